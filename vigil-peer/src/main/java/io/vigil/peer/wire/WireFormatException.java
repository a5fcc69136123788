package io.vigil.peer.wire;

/** A frame could not be accepted: malformed, an unknown version, or failed authentication. */
public final class WireFormatException extends Exception {

    private final boolean authentication;

    public WireFormatException(String message, boolean authentication) {
        super(message, null, false, false);
        this.authentication = authentication;
    }

    /** True if the frame was well-formed but failed shared-secret authentication. */
    public boolean authentication() {
        return authentication;
    }
}
