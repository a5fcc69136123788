package io.vigil.peer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The commands an adapter takes (its input port). */
public enum CommandName {
    /** Start as the configured {@link PeerProperties#type()}. */
    START("start"),
    START_SERVER("startServer"),
    START_CLIENT("startClient"),
    START_MULTICAST("startMulticast"),
    /** Stop whatever runs; needed before changing type or restarting a disconnected client. */
    STOP("stop"),
    /** Client: stop sending; server: stop answering; multicast: leave the group. Nothing times out locally. */
    SUSPEND("suspend"),
    /** Undo {@link #SUSPEND}: continue where it was (multicast rejoins the group). */
    RESUME("resume"),
    /**
     * TCP server or client: set the leadership this node claims ({@code leadershipStatus}: LEADER or NON_LEADER),
     * carried as {@code ldr} in its frames and reported by its peers' events. Accepted in every state; multicast
     * elects its leader and refuses it.
     */
    SET_LEADERSHIP("setLeadership");

    private final String jsonName;

    CommandName(String jsonName) {
        this.jsonName = jsonName;
    }

    @JsonValue
    public String jsonName() {
        return jsonName;
    }

    /** Parses a command name as written in JSON, e.g. {@code startClient}. */
    @JsonCreator
    public static CommandName fromJson(String name) {
        for (CommandName c : values()) {
            if (c.jsonName.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown command '" + name + "'; known: "
                + Arrays.stream(values()).map(CommandName::jsonName).collect(Collectors.joining(", ")));
    }

    /** The type a start command starts, or null if it is not a start. */
    PeerType startType(PeerType configured) {
        return switch (this) {
            case START -> configured;
            case START_SERVER -> PeerType.SERVER;
            case START_CLIENT -> PeerType.CLIENT;
            case START_MULTICAST -> PeerType.MULTICAST;
            default -> null;
        };
    }
}
