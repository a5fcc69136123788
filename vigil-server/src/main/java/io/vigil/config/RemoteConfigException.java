package io.vigil.config;

/**
 * The remote configuration could not be fetched (connection refused, timeout, non-2xx answer).
 * The message names the URL and what happened. A fetched document that is invalid is a
 * {@link ConfigException} instead.
 */
public final class RemoteConfigException extends Exception {
    public RemoteConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
