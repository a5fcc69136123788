package io.vigil.peer;

/** An endpoint could not start (bind failure, unknown interface, …); {@link #kind()} is its error-channel category. */
public final class EndpointStartException extends RuntimeException {

    private final ErrorKind kind;

    public EndpointStartException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
