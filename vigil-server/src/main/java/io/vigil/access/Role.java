package io.vigil.access;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What an API token may do. The roles are not a ladder: {@link #ADMIN} grants everything, while {@link #INGEST}
 * (send heartbeats) and {@link #READ} (look) grant only themselves, so a VES sender's token cannot read the fleet
 * and a dashboard's token cannot send heartbeats.
 */
public enum Role {
    /** The VES event listener: {@code POST /eventListener/…}. */
    INGEST,
    /** {@code GET} on {@code /api/v1/…}, {@code /metrics} and the collector RPC {@code /rpc/…}. */
    READ,
    /** Every mutation (silences, dependencies, reload, command, actions, plans); implies {@link #READ} and {@link #INGEST}. */
    ADMIN;

    /** True when a token of this role may call an endpoint that needs {@code needed}. */
    public boolean grants(Role needed) {
        return this == ADMIN || this == needed;
    }

    /** The lower-case name used in the config file and in messages. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code text} (case-insensitive), or null. */
    public static @Nullable Role parse(String text) {
        for (Role r : values()) if (r.text().equalsIgnoreCase(text)) return r;
        return null;
    }
}
