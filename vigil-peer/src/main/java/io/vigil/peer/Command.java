package io.vigil.peer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;

/**
 * One command for an adapter, with optional per-command overrides; an override left null comes from the
 * {@link PeerProperties}. JSON form: {@code {"command":"startClient","serverPort":7001}}.
 *
 * @param command           which command
 * @param serverHost        host (client: server host; server: bind address; multicast: group)
 * @param serverPort        port
 * @param heartbeatInterval milliseconds
 * @param heartbeatTimeout  milliseconds beyond the interval
 * @param reconnectAttempts attempts after a timeout
 * @param reconnectSleep    milliseconds between attempts
 * @param leadershipStatus  {@code setLeadership} only: the leadership this TCP server or client claims from now on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record Command(
        @JsonProperty(value = "command", required = true) CommandName command,
        String serverHost,
        Integer serverPort,
        Long heartbeatInterval,
        Long heartbeatTimeout,
        Integer reconnectAttempts,
        Long reconnectSleep,
        LeadershipStatus leadershipStatus) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public Command {
        Objects.requireNonNull(command, "command");
        if (command == CommandName.SET_LEADERSHIP && leadershipStatus == null) {
            throw new IllegalArgumentException("setLeadership needs \"leadershipStatus\": LEADER or NON_LEADER");
        }
    }

    /** A command with no overrides. */
    public static Command of(CommandName name) {
        return new Command(name, null, null, null, null, null, null, null);
    }

    public Command withServerHost(String host) {
        return new Command(command, host, serverPort, heartbeatInterval, heartbeatTimeout, reconnectAttempts,
                reconnectSleep, leadershipStatus);
    }

    public Command withServerPort(int port) {
        return new Command(command, serverHost, port, heartbeatInterval, heartbeatTimeout, reconnectAttempts,
                reconnectSleep, leadershipStatus);
    }

    public Command withHeartbeatInterval(long millis) {
        return new Command(command, serverHost, serverPort, millis, heartbeatTimeout, reconnectAttempts,
                reconnectSleep, leadershipStatus);
    }

    public Command withHeartbeatTimeout(long millis) {
        return new Command(command, serverHost, serverPort, heartbeatInterval, millis, reconnectAttempts,
                reconnectSleep, leadershipStatus);
    }

    public Command withReconnectAttempts(int attempts) {
        return new Command(command, serverHost, serverPort, heartbeatInterval, heartbeatTimeout, attempts,
                reconnectSleep, leadershipStatus);
    }

    public Command withReconnectSleep(long millis) {
        return new Command(command, serverHost, serverPort, heartbeatInterval, heartbeatTimeout, reconnectAttempts,
                millis, leadershipStatus);
    }

    /** {@code setLeadership}: the leadership a TCP server or client claims in its frames from now on. */
    public static Command setLeadership(LeadershipStatus status) {
        return new Command(CommandName.SET_LEADERSHIP, null, null, null, null, null, null, status);
    }

    /**
     * Parses one JSON command line.
     *
     * @throws IllegalArgumentException with a message naming the problem and the expected form
     */
    public static Command fromJson(String json) {
        try {
            Command c = JSON.readValue(json, Command.class);
            if (c == null) {
                throw new IllegalArgumentException("empty command; expected e.g. {\"command\":\"stop\"}");
            }
            return c;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad command " + abbreviate(json) + ": " + e.getOriginalMessage()
                    + "; expected e.g. {\"command\":\"startClient\",\"serverPort\":7001}", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
