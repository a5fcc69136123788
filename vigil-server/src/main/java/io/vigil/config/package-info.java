/**
 * Configuration: every key declared once in {@link io.vigil.config.ConfigKeys} (type, default, validation, docs, reload
 * policy); the YAML and ONAP JSON readers on ConfigNode (every error at once, with its path and a typo hint), the
 * validated records, the reload diff and the one duration syntax.
 *
 * <p>Nullness: {@code @NullMarked}. An optional part of the configuration that is absent is {@code @Nullable} in its
 * record (a section not configured, an optional file, credentials); a reader's typed getter returns null (or its
 * default) after it recorded an error, so its result is {@code @Nullable} too.
 */
@NullMarked
package io.vigil.config;

import org.jspecify.annotations.NullMarked;
