package io.vigil.config;

import org.jspecify.annotations.Nullable;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.peer.PeerProperties;
import io.vigil.peer.PeerType;
import java.time.Duration;
import java.util.Objects;

/**
 * One entry of {@code peers[]}: a peer heartbeat endpoint (TCP server, TCP client or multicast member) that
 * {@code vigil serve} runs, with the adapter's own properties (docs/peer.md). Every peer it hears is a source of the
 * monitor {@code eventName}.
 *
 * @param name                 unique among the entries; names the endpoint in the API, metrics and logs
 * @param type                 what it starts
 * @param hostname             server: bind address; client: the server's host; multicast: the group address
 * @param port                 TCP port (server: 0 = any free one) or the group's UDP port
 * @param networkInterface     multicast: interface name or address (blank: the OS default)
 * @param heartbeatInterval    how often each side sends
 * @param heartbeatTimeout     silence beyond the interval before the adapter reports a timeout
 * @param reconnectAttempts    client / multicast: attempts before giving up
 * @param reconnectSleep       pause between attempts
 * @param endpointId           this endpoint's id (required for multicast), or null
 * @param sharedSecret         HMAC key of every frame, or null; never shown ({@link #toString}, config check)
 * @param quorum               multicast: fewest live members that may elect a leader
 * @param serverEventLoops     server: event loops sharing the connections
 * @param serverMaxConnections server: most connections open at once
 * @param startWithApplication false: loaded, started by a {@code resume} command (API {@code /api/v1/peers/{name}/command})
 * @param eventName            the monitor its peers are sources of
 */
public record PeerEndpointSettings(
        String name,
        PeerType type,
        String hostname,
        int port,
        String networkInterface,
        Duration heartbeatInterval,
        Duration heartbeatTimeout,
        int reconnectAttempts,
        Duration reconnectSleep,
        @Nullable String endpointId,
        @Nullable String sharedSecret,
        int quorum,
        int serverEventLoops,
        int serverMaxConnections,
        boolean startWithApplication,
        String eventName) {

    public PeerEndpointSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(eventName, "eventName");
        networkInterface = networkInterface == null ? "" : networkInterface;
    }

    /** The adapter's properties (validated by its builder). */
    public PeerProperties properties() {
        return PeerProperties.builder().type(type).hostname(hostname).port(port).networkInterface(networkInterface)
                .heartbeatIntervalMillis(heartbeatInterval.toMillis()).heartbeatTimeoutMillis(heartbeatTimeout.toMillis())
                .reconnectAttempts(reconnectAttempts).reconnectSleepMillis(reconnectSleep.toMillis())
                .endpointId(endpointId).sharedSecret(sharedSecret).quorum(quorum).serverEventLoops(serverEventLoops)
                .serverMaxConnections(serverMaxConnections).startWithApplication(startWithApplication).build();
    }

    /**
     * The monitor made for {@link #eventName} when the config declares none: arrival time, the heartbeat interval, and
     * as many missed heartbeats as fit the adapter's own timeout ({@code interval + timeout}, rounded up to whole
     * intervals), so the engine raises the ONSET when the adapter would report the timeout.
     */
    public Monitor defaultMonitor() {
        long interval = heartbeatInterval.toMillis();
        long limit = interval + heartbeatTimeout.toMillis();
        int missed = (int) Math.max(1, (limit + interval - 1) / interval);
        return new Monitor(eventName, heartbeatInterval, missed, TimeBase.ARRIVAL, ClosedLoop.NONE);
    }

    @Override
    public String toString() {
        return "PeerEndpointSettings[name=" + name + ", type=" + type + ", hostname=" + hostname + ", port=" + port
                + ", eventName=" + eventName + ", sharedSecret=" + (sharedSecret == null ? "none" : "******") + "]";
    }
}
