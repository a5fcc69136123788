/**
 * Configuration: every key declared once in {@link io.vigil.config.ConfigKeys} (type, default, validation, docs, reload
 * policy); the YAML and ONAP JSON readers on ConfigNode (every error at once, with its path and a typo hint), the
 * validated records, the reload diff and the one duration syntax.
 */
package io.vigil.config;
