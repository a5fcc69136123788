package io.vigil.peer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The adapter's properties: the defaults every start command falls back on. Immutable; build with {@link #builder()}.
 *
 * <table>
 * <caption>Properties and defaults</caption>
 * <tr><th>property</th><th>default</th><th>meaning</th></tr>
 * <tr><td>type</td><td>SERVER</td><td>what {@code start} starts</td></tr>
 * <tr><td>port</td><td>-1</td><td>deliberately invalid: must be set here or in the command</td></tr>
 * <tr><td>hostname</td><td>localhost</td><td>server: bind address; client: the server's host; multicast: the group</td></tr>
 * <tr><td>networkInterface</td><td>blank</td><td>multicast: interface name or address to join and send on; blank = the
 *     operating system's choice, which often sends nowhere useful: name it</td></tr>
 * <tr><td>heartbeatInterval</td><td>1000 ms</td><td>how often each side sends a heartbeat</td></tr>
 * <tr><td>heartbeatTimeout</td><td>2000 ms</td><td>silence beyond the interval before a peer times out</td></tr>
 * <tr><td>reconnectAttempts</td><td>0</td><td>client: attempts after a timeout before giving up; multicast: retries of
 *     a failed group join (at start, on resume, or after a failed send) before giving up and ending DISCONNECTED</td></tr>
 * <tr><td>reconnectSleep</td><td>5000 ms</td><td>pause between reconnection attempts (client and multicast)</td></tr>
 * <tr><td>endpointId</td><td>none</td><td>optional for server/client; names the member in multicast (required there)</td></tr>
 * <tr><td>sharedSecret</td><td>none</td><td>if set, every frame carries an HMAC-SHA256 under it; frames without a valid
 *     one are rejected. Both sides must use the same secret.</td></tr>
 * <tr><td>startWithApplication</td><td>true</td><td>whether the application starts the adapter with itself
 *     ({@link PeerHeartbeat#startWithApplication()}); false ("Start with application: No") leaves it
 *     {@link AdapterState#LOADED} until a {@code resume} command starts it as {@code type}</td></tr>
 * <tr><td>serverMaxConnections</td><td>10,000</td><td>server: the most client connections open at once (below the
 *     process's file-descriptor limit); more are closed as they arrive and reported once</td></tr>
 * <tr><td>quorum</td><td>1</td><td>multicast: fewest live members (this one included) that may elect a leader; set to a
 *     majority of the group to keep the minority side of a partition leaderless</td></tr>
 * </table>
 */
public final class PeerProperties {

    public static final int UNSET_PORT = -1;
    public static final long DEFAULT_INTERVAL_MILLIS = 1000;
    public static final long DEFAULT_TIMEOUT_MILLIS = 2000;
    public static final int DEFAULT_RECONNECT_ATTEMPTS = 0;
    public static final long DEFAULT_RECONNECT_SLEEP_MILLIS = 5000;
    /** Server event loops by default: one per core, at most 4 (one loop serves ~5,000 clients at 100 ms here). */
    public static final int DEFAULT_SERVER_EVENT_LOOPS = Math.min(4, Runtime.getRuntime().availableProcessors());
    /** Server connections by default: well below a usual file-descriptor limit (here 20,000 per process). */
    public static final int DEFAULT_SERVER_MAX_CONNECTIONS = 10_000;

    private final PeerType type;
    private final int port;
    private final String hostname;
    private final String networkInterface;
    private final long heartbeatIntervalMillis;
    private final long heartbeatTimeoutMillis;
    private final int reconnectAttempts;
    private final long reconnectSleepMillis;
    private final String endpointId;
    private final byte[] sharedSecret;
    private final int quorum;
    private final int serverEventLoops;
    private final boolean startWithApplication;
    private final int serverMaxConnections;

    private PeerProperties(Builder b) {
        this.type = b.type;
        this.port = b.port;
        this.hostname = b.hostname;
        this.networkInterface = b.networkInterface;
        this.heartbeatIntervalMillis = b.heartbeatIntervalMillis;
        this.heartbeatTimeoutMillis = b.heartbeatTimeoutMillis;
        this.reconnectAttempts = b.reconnectAttempts;
        this.reconnectSleepMillis = b.reconnectSleepMillis;
        this.endpointId = b.endpointId;
        this.sharedSecret = b.sharedSecret;
        this.quorum = b.quorum;
        this.serverEventLoops = b.serverEventLoops;
        this.startWithApplication = b.startWithApplication;
        this.serverMaxConnections = b.serverMaxConnections;
    }

    public static Builder builder() {
        return new Builder();
    }

    public PeerType type() {
        return type;
    }

    public int port() {
        return port;
    }

    public String hostname() {
        return hostname;
    }

    public String networkInterface() {
        return networkInterface;
    }

    public long heartbeatIntervalMillis() {
        return heartbeatIntervalMillis;
    }

    public long heartbeatTimeoutMillis() {
        return heartbeatTimeoutMillis;
    }

    public int reconnectAttempts() {
        return reconnectAttempts;
    }

    public long reconnectSleepMillis() {
        return reconnectSleepMillis;
    }

    public String endpointId() {
        return endpointId;
    }

    public int quorum() {
        return quorum;
    }

    public int serverEventLoops() {
        return serverEventLoops;
    }

    /** False: the adapter waits, {@link AdapterState#LOADED}, until a {@code resume} command starts it. */
    public boolean startWithApplication() {
        return startWithApplication;
    }

    public int serverMaxConnections() {
        return serverMaxConnections;
    }

    /**
     * The settings one start command runs with: the command's overrides over these properties, validated.
     *
     * @throws IllegalArgumentException naming every invalid setting at once
     */
    public EndpointConfig resolve(PeerType startType, Command command) {
        Objects.requireNonNull(startType, "startType");
        String host = command.serverHost() != null ? command.serverHost() : hostname;
        int p = command.serverPort() != null ? command.serverPort() : port;
        long interval = command.heartbeatInterval() != null ? command.heartbeatInterval() : heartbeatIntervalMillis;
        long timeout = command.heartbeatTimeout() != null ? command.heartbeatTimeout() : heartbeatTimeoutMillis;
        int attempts = command.reconnectAttempts() != null ? command.reconnectAttempts() : reconnectAttempts;
        long sleep = command.reconnectSleep() != null ? command.reconnectSleep() : reconnectSleepMillis;

        List<String> problems = new ArrayList<>();
        if (p == UNSET_PORT) {
            problems.add("port is not set: give the port property (--port) or serverPort in the command");
        } else if (p < 0 || p > 65535) {
            problems.add("port " + p + " is out of range 0..65535");
        } else if (p == 0 && startType != PeerType.SERVER) {
            problems.add("port 0 (any free port) only makes sense for a server");
        }
        if (host == null || host.isBlank()) {
            problems.add("hostname is blank: give the " + (startType == PeerType.MULTICAST ? "group address" : "host"));
        }
        if (interval <= 0) {
            problems.add("heartbeatInterval must be > 0 ms, got " + interval);
        }
        if (timeout < 0) {
            problems.add("heartbeatTimeout must be >= 0 ms, got " + timeout);
        }
        if (attempts < 0) {
            problems.add("reconnectAttempts must be >= 0, got " + attempts);
        }
        if (sleep <= 0) {
            problems.add("reconnectSleep must be > 0 ms, got " + sleep);
        }
        if (startType == PeerType.MULTICAST && (endpointId == null || endpointId.isBlank())) {
            problems.add("endpointId is required for multicast: it names this member in the group and decides the "
                    + "leader election");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid " + startType + " settings: " + String.join("; ", problems));
        }
        return new EndpointConfig(startType, host, p, networkInterface,
                new Timing(interval, timeout, attempts, sleep), endpointId, sharedSecret, quorum,
                startType == PeerType.SERVER ? serverEventLoops : 1, serverMaxConnections);
    }

    /** Mutable builder; not thread-safe. Range checks happen here; the port is checked when a start resolves it. */
    public static final class Builder {
        private PeerType type = PeerType.SERVER;
        private int port = UNSET_PORT;
        private String hostname = "localhost";
        private String networkInterface = "";
        private long heartbeatIntervalMillis = DEFAULT_INTERVAL_MILLIS;
        private long heartbeatTimeoutMillis = DEFAULT_TIMEOUT_MILLIS;
        private int reconnectAttempts = DEFAULT_RECONNECT_ATTEMPTS;
        private long reconnectSleepMillis = DEFAULT_RECONNECT_SLEEP_MILLIS;
        private String endpointId;
        private byte[] sharedSecret;
        private int quorum = 1;
        private int serverEventLoops = DEFAULT_SERVER_EVENT_LOOPS;
        private boolean startWithApplication = true;
        private int serverMaxConnections = DEFAULT_SERVER_MAX_CONNECTIONS;

        private Builder() {
        }

        public Builder type(PeerType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder networkInterface(String networkInterface) {
            this.networkInterface = networkInterface == null ? "" : networkInterface.trim();
            return this;
        }

        public Builder heartbeatIntervalMillis(long millis) {
            this.heartbeatIntervalMillis = millis;
            return this;
        }

        public Builder heartbeatTimeoutMillis(long millis) {
            this.heartbeatTimeoutMillis = millis;
            return this;
        }

        public Builder reconnectAttempts(int attempts) {
            this.reconnectAttempts = attempts;
            return this;
        }

        public Builder reconnectSleepMillis(long millis) {
            this.reconnectSleepMillis = millis;
            return this;
        }

        public Builder endpointId(String endpointId) {
            this.endpointId = endpointId == null || endpointId.isBlank() ? null : endpointId;
            return this;
        }

        /** Enables HMAC-SHA256 authentication of every frame; null or blank disables it. */
        public Builder sharedSecret(String secret) {
            this.sharedSecret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder quorum(int quorum) {
            this.quorum = quorum;
            return this;
        }

        /**
         * How many event loops a server spreads its client connections over (each loop serves its share on its own
         * thread; a client stays on one loop). Default: one per core, at most 4. Clients and multicast members use one.
         */
        /** {@code false} = "Start with application: No": loaded, started only by a {@code resume} command. */
        public Builder startWithApplication(boolean start) {
            this.startWithApplication = start;
            return this;
        }

        public Builder serverEventLoops(int loops) {
            this.serverEventLoops = loops;
            return this;
        }

        /**
         * The most client connections a server keeps open at once; one more is closed as soon as it is accepted (and
         * reported on the error channel, at most once per 10 s with the count). Keep it below the process's
         * file-descriptor limit so that a flood of connections cannot starve the rest of the process. Default 10,000.
         */
        public Builder serverMaxConnections(int max) {
            this.serverMaxConnections = max;
            return this;
        }

        /** @throws IllegalArgumentException naming every out-of-range value at once */
        public PeerProperties build() {
            List<String> problems = new ArrayList<>();
            if (heartbeatIntervalMillis <= 0) {
                problems.add("heartbeatInterval must be > 0 ms, got " + heartbeatIntervalMillis);
            }
            if (heartbeatTimeoutMillis < 0) {
                problems.add("heartbeatTimeout must be >= 0 ms, got " + heartbeatTimeoutMillis);
            }
            if (reconnectAttempts < 0) {
                problems.add("reconnectAttempts must be >= 0, got " + reconnectAttempts);
            }
            if (reconnectSleepMillis <= 0) {
                problems.add("reconnectSleep must be > 0 ms, got " + reconnectSleepMillis);
            }
            if (serverEventLoops < 1 || serverEventLoops > 64) {
                problems.add("serverEventLoops must be 1..64, got " + serverEventLoops);
            }
            if (serverMaxConnections < 1) {
                problems.add("serverMaxConnections must be >= 1, got " + serverMaxConnections);
            }
            if (quorum < 1) {
                problems.add("quorum must be >= 1, got " + quorum);
            }
            if (endpointId != null && (endpointId.length() > 128 || endpointId.chars().anyMatch(Character::isISOControl))) {
                problems.add("endpointId must be at most 128 printable characters");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid peer properties: " + String.join("; ", problems));
            }
            return new PeerProperties(this);
        }
    }
}
