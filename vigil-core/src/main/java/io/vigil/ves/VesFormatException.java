package io.vigil.ves;

/** A VES body that cannot be read as heartbeats; the message names the problem (JSON path and reason). */
public final class VesFormatException extends Exception {
    public VesFormatException(String message) {
        super(message, null, false, false);
    }
}
