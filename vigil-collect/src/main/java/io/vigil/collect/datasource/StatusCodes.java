package io.vigil.collect.datasource;

import java.util.Locale;

/**
 * The six-digit status codes of collected entities (documented in docs/collect.md). {@code 000000} is healthy; the
 * first digit says which kind of check failed: 1 network, 2 HTTP, 3 command.
 */
public final class StatusCodes {
    public static final String OK = Entity.OK;
    public static final String CONNECTION_REFUSED = "100001";
    public static final String CONNECTION_TIMED_OUT = "100002";
    public static final String NETWORK_ERROR = "100003";
    public static final String HTTP_FIELD_MISMATCH = "201000";
    public static final String COMMAND_TIMED_OUT = "309999";
    public static final String COMMAND_NOT_RUN = "309998";

    private StatusCodes() {
    }

    /** {@code 2} and the HTTP status on five digits: 503 gives {@code 200503}. */
    public static String http(int status) {
        return "2" + String.format(Locale.ROOT, "%05d", status);
    }

    /** {@code 3} and the exit code on five digits: exit 3 gives {@code 300003}. */
    public static String exit(int code) {
        return "3" + String.format(Locale.ROOT, "%05d", Math.floorMod(code, 10_000));
    }

    /** A network failure as state and code: connection refused, timed out, or the cause's message. */
    public static String[] network(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("connection refused")) return new String[] {"connection refused", CONNECTION_REFUSED};
            if (m.contains("timed out") || m.contains("timeout") || c instanceof java.util.concurrent.TimeoutException)
                return new String[] {"connection timed out", CONNECTION_TIMED_OUT};
            if (m.contains("no route to host")) return new String[] {"no route to host", NETWORK_ERROR};
            if (c instanceof java.net.UnknownHostException) return new String[] {"unknown host", NETWORK_ERROR};
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new String[] {m.toLowerCase(Locale.ROOT), NETWORK_ERROR};
    }
}
