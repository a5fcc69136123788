/**
 * The liveness engine: per-source state in memory, deadlines in a timing wheel, the detector thread that decides every
 * transition (so one source's events are strictly ordered) and the change events it hands to its listener. Pure:
 * time comes from an injected clock, and no I/O happens here.
 */
@NullMarked
package io.vigil.engine;

import org.jspecify.annotations.NullMarked;
