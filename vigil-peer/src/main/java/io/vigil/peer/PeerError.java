package io.vigil.peer;

/**
 * One entry of the error channel. Every adapter error ends up here; nothing is swallowed.
 *
 * @param kind      category
 * @param message   what went wrong and, where possible, what to do about it
 * @param timestamp epoch milliseconds of the adapter's clock
 */
public record PeerError(ErrorKind kind, String message, long timestamp) {
}
