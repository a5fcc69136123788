package io.vigil.engine;

import java.util.List;

/**
 * One page of {@link Engine#query}.
 *
 * @param total   how many sources match the filters (all pages together)
 * @param sources the page, in the query's order
 */
public record SourcePage(long total, List<SourceView> sources) {
}
