package io.vigil.store.deadletter;

import java.sql.SQLException;

/**
 * Sorts store failures into permanent (retrying the same row can never succeed) and transient (the database is
 * down, busy or was restarted: retry in order). Decided by SQLSTATE, which H2 and PostgreSQL both follow for these
 * classes:
 * <ul>
 *   <li>class {@code 22} data exception: value too long ({@code 22001}), character not in repertoire / NUL in text
 *       ({@code 22021}), untranslatable character ({@code 22P05}), numeric or datetime out of range, H2's data
 *       conversion error ({@code 22018});</li>
 *   <li>class {@code 23} integrity constraint violation: NOT NULL, UNIQUE, FOREIGN KEY, CHECK;</li>
 *   <li>{@code 54000} program limit exceeded (PostgreSQL: an index row too large).</li>
 * </ul>
 * Everything else, and a failure without an SQLSTATE, counts as transient: wrongly retrying a permanent error only
 * delays (and says so in the log), while wrongly dropping a transient one would lose an alarm.
 */
public final class StoreErrors {
    private StoreErrors() {
    }

    /** True when {@code e} (or a cause, or a batch's next exception) carries a permanent SQLSTATE. */
    public static boolean isPermanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException x = s; x != null; x = x.getNextException()) {
                    if (isPermanentState(x.getSQLState())) return true;
                }
            }
        }
        return false;
    }

    /** True for the SQLSTATEs listed in the class comment. */
    public static boolean isPermanentState(String state) {
        if (state == null || state.length() != 5) return false;
        return state.startsWith("22") || state.startsWith("23") || state.equals("54000");
    }

    /** The most specific message of {@code e}: the driver's, with its SQLSTATE. */
    public static String describe(Throwable e) {
        SQLException found = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                found = s;
                if (s.getNextException() != null) found = s.getNextException();
            }
        }
        if (found == null) return String.valueOf(e.getMessage());
        return "SQLSTATE " + found.getSQLState() + ": " + found.getMessage();
    }
}
