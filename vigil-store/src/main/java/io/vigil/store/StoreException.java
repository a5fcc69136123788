package io.vigil.store;

/** A database operation failed. The message names the operation; the cause is the driver's exception. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
