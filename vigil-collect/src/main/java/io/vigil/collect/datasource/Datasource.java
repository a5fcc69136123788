package io.vigil.collect.datasource;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A pull source of entity status. {@link #collect()} looks now (runs the checks, calls the API) and completes with
 * every entity of the datasource; it completes exceptionally only when the datasource as a whole could not be read
 * (e.g. its discovery command failed), never because one entity's check failed. Implementations are thread-safe.
 */
public interface Datasource {
    String name();

    CompletionStage<List<Entity>> collect();
}
