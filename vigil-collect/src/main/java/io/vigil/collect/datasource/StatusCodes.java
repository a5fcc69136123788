package io.vigil.collect.datasource;

import java.util.Locale;

/**
 * The status codes of collected entities (documented in docs/collect.md). {@code 000000} is healthy. Vigil's own
 * six-digit codes say which kind of check failed by their first digit: 1 network, 2 HTTP, 3 command. The database
 * check reports clmgr's {@code ER0003}; {@link #clmgr} maps any code to clmgr's {@code ERxxxx} codes for the clmgr
 * document shape.
 */
public final class StatusCodes {
    public static final String OK = Entity.OK;
    public static final String CONNECTION_REFUSED = "100001";
    public static final String CONNECTION_TIMED_OUT = "100002";
    public static final String NETWORK_ERROR = "100003";
    public static final String HTTP_FIELD_MISMATCH = "201000";
    public static final String COMMAND_TIMED_OUT = "309999";
    public static final String COMMAND_NOT_RUN = "309998";
    /** clmgr's code for a database that does not answer (the database check's only failure code). */
    public static final String DATABASE_FAILURE = "ER0003";

    /** clmgr's codes: {@code 000000} and {@code ERxxxx}, with their meaning (docs/collect.md lists this table). */
    public static final java.util.Map<String, String> CLMGR = java.util.Map.of(
            "000000", "OK",
            "ER0001", "Service not reachable",
            "ER0002", "Service timed out",
            "ER0003", "Database communication failure",
            "ER0004", "Health check failed",
            "ER0005", "Check command failed",
            "ER0006", "Instance not running");

    /** A cloud instance that is not running: {@code 4} and its lifecycle (ec2 datasource, docs/collect.md). */
    public static final String INSTANCE_PENDING = "400001";
    public static final String INSTANCE_STOPPING = "400002";
    public static final String INSTANCE_STOPPED = "400003";
    public static final String INSTANCE_SHUTTING_DOWN = "400004";

    private StatusCodes() {
    }

    /**
     * The clmgr code of a status code: {@code 000000} stays, an {@code ERxxxx} code stays, a network failure is
     * {@code ER0001} (timeout {@code ER0002}), an HTTP failure {@code ER0004}, a command failure {@code ER0005}, a cloud
     * instance that is not running {@code ER0006}.
     */
    public static String clmgr(String code) {
        if (code == null || code.equals(OK) || code.startsWith("ER")) return code;
        if (code.equals(CONNECTION_TIMED_OUT) || code.equals(COMMAND_TIMED_OUT)) return "ER0002";
        return switch (code.charAt(0)) {
            case '1' -> "ER0001";
            case '2' -> "ER0004";
            case '4' -> "ER0006";
            default -> "ER0005";
        };
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
