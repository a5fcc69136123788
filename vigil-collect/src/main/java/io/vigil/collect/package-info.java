/**
 * The pull side's validated settings (YAML {@code collect}, {@code workers}, {@code actions}), the resolution of its
 * commands' programs against the configuration's directory, and its JSON helpers on Vigil's one mapper.
 */
package io.vigil.collect;
