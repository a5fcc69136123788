package io.vigil.store.config;

import java.time.Instant;

/**
 * A stored configuration document.
 *
 * @param name      the document's name (e.g. "running")
 * @param content   its text, as the user wrote it (YAML or ONAP JSON)
 * @param version   1 for the first save, incremented by every save
 * @param updatedAt when it was last saved, per the database clock
 */
public record ConfigDocument(String name, String content, long version, Instant updatedAt) {
}
