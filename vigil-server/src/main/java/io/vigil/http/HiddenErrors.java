package io.vigil.http;

import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors whose detail must not go back to an API caller: a store failure's message holds the JDBC URL and the SQL
 * statement, an unexpected exception the internals (issue 19.12). The caller gets a generic message and an error id;
 * the log line with the same id has the detail and the stack trace.
 */
public final class HiddenErrors {
    private static final Logger log = LoggerFactory.getLogger(HiddenErrors.class);

    private HiddenErrors() {
    }

    /**
     * Logs {@code cause} at ERROR under a new error id and returns the body for the caller:
     * {@code {"error": "<what>; details are in the server log under error id <id>", "code": code, "errorId": id}}.
     *
     * @param what what failed, in words fit for the caller (no detail of the cause)
     */
    public static Reported report(String code, String what, Throwable cause) {
        String id = newId();
        log.error("{} (error id {}). {}", what, id, cause instanceof RuntimeException || cause instanceof Error
                ? "This is a bug unless the store is down: please report it with this trace" : "Check the store", cause);
        return new Reported(what + "; details are in the server log under error id " + id, code, id);
    }

    /** The error shape with the id under which the cause was logged. */
    public record Reported(String error, String code, String errorId) {
    }

    /** A short text for a field of an otherwise good answer (a store read that failed inside a status), logged likewise. */
    public static String note(String what, Throwable cause) {
        String id = newId();
        log.warn("{} (error id {}): {}", what, id, cause.toString());
        return what + "; details are in the server log under error id " + id;
    }

    private static String newId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffff_ffff_ffffL);
    }
}
