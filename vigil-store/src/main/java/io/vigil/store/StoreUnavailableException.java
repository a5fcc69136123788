package io.vigil.store;

/**
 * The database could not be opened at all (unreachable server, bad credentials, locked file).
 * The message says which URL was tried and what to check; it never contains the password.
 */
public class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
