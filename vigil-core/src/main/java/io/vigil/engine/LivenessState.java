package io.vigil.engine;

/** Liveness of one source. Every change between these is a change event. */
public enum LivenessState {
    /** Known (configured or restored) but never heard from. */
    UNKNOWN,
    ALIVE,
    MISSING
}
