package io.vigil.ingest;

/**
 * A stretch of time in which an ingest channel (or Vigil itself) proved nothing: its watermark jumped from
 * {@code fromMillis} straight to {@code toMillis}, or the detector was paused for that long.
 *
 * @param fromMillis the last time proven before the spell
 * @param toMillis   the first time proven after it
 */
public record BlindSpell(long fromMillis, long toMillis) {

    public BlindSpell {
        if (toMillis < fromMillis) throw new IllegalArgumentException("a blind spell ends before it starts: " + fromMillis + " > " + toMillis);
    }

    public long lengthMillis() {
        return toMillis - fromMillis;
    }
}
