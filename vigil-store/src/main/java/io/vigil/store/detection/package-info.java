/**
 * Detection rules made through the API (silences, dependencies) and the change events recorded but not published
 * (held by a silence, a dependency or flapping), shared by every instance through the store.
 */
package io.vigil.store.detection;
