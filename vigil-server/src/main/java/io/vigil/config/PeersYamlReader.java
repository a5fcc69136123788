package io.vigil.config;

import static io.vigil.config.ConfigKeys.PEERS;
import static io.vigil.config.ConfigKeys.PEER_ENDPOINT_ID;
import static io.vigil.config.ConfigKeys.PEER_EVENT_NAME;
import static io.vigil.config.ConfigKeys.PEER_HEARTBEAT_INTERVAL;
import static io.vigil.config.ConfigKeys.PEER_HEARTBEAT_TIMEOUT;
import static io.vigil.config.ConfigKeys.PEER_HOSTNAME;
import static io.vigil.config.ConfigKeys.PEER_NAME;
import static io.vigil.config.ConfigKeys.PEER_NETWORK_INTERFACE;
import static io.vigil.config.ConfigKeys.PEER_PORT;
import static io.vigil.config.ConfigKeys.PEER_QUORUM;
import static io.vigil.config.ConfigKeys.PEER_RECONNECT_ATTEMPTS;
import static io.vigil.config.ConfigKeys.PEER_RECONNECT_SLEEP;
import static io.vigil.config.ConfigKeys.PEER_SERVER_EVENT_LOOPS;
import static io.vigil.config.ConfigKeys.PEER_SERVER_MAX_CONNECTIONS;
import static io.vigil.config.ConfigKeys.PEER_SHARED_SECRET;
import static io.vigil.config.ConfigKeys.PEER_START_WITH_APPLICATION;
import static io.vigil.config.ConfigKeys.PEER_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.monitor.Monitor;
import io.vigil.peer.PeerProperties;
import io.vigil.peer.PeerType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code peers[]}: the peer heartbeat endpoints {@code vigil serve} runs (docs/peer.md, "Peers inside vigil
 * serve"). The keys are the adapter's property names; durations need a unit ({@code 1000ms}, {@code 1s}), because the
 * standalone adapter counts bare numbers in milliseconds and Vigil's config in seconds.
 */
final class PeersYamlReader {
    private PeersYamlReader() {
    }

    static List<PeerEndpointSettings> read(ConfigNode root) {
        List<ConfigNode> items = root.list(PEERS.name());
        List<PeerEndpointSettings> out = new ArrayList<>();
        if (items == null) return out;
        Map<String, String> firstPath = new HashMap<>();
        for (ConfigNode p : items) {
            if (!p.requireObject()) continue;
            p.allowOnly(PEERS);
            String name = p.name(PEER_NAME.name(), "required: names this endpoint in the API, metrics and logs");
            if (name != null) {
                String earlier = firstPath.putIfAbsent(name, p.path());
                if (earlier != null) root.error("peers", "duplicate peer endpoint name \"" + name + "\" (also " + earlier + ")");
            }
            String typeText = PEER_TYPE.read(p);
            if (typeText == null && !p.has(PEER_TYPE.name())) p.error(PEER_TYPE.name(), "required: server, client or multicast");
            PeerType type = typeText == null ? null : PeerType.valueOf(typeText.toUpperCase(Locale.ROOT));
            String host = PEER_HOSTNAME.name();
            String hostname;
            if (type == PeerType.SERVER) {
                hostname = p.has(host) ? p.requiredString(host, "") : "0.0.0.0";
            } else if (type == null) {
                hostname = p.string(host); // the type is wrong already: one error is enough
            } else {
                hostname = p.requiredString(host, type == PeerType.MULTICAST
                        ? "required: the multicast group address, e.g. 239.255.0.1"
                        : "required: the host of the peer server to connect to");
            }
            Integer port = p.integer(PEER_PORT.name(), null, type == PeerType.SERVER ? 0 : 1, 65535);
            if (port == null && !p.has(PEER_PORT.name()))
                p.error(PEER_PORT.name(), "required: the " + (type == PeerType.MULTICAST ? "group's UDP" : "TCP") + " port");
            String nif = PEER_NETWORK_INTERFACE.name();
            String networkInterface = p.has(nif) ? p.requiredString(nif, "") : "";
            Duration interval = duration(p, PEER_HEARTBEAT_INTERVAL.name(), Duration.ofMillis(PeerProperties.DEFAULT_INTERVAL_MILLIS), false);
            Duration timeout = duration(p, PEER_HEARTBEAT_TIMEOUT.name(), Duration.ofMillis(PeerProperties.DEFAULT_TIMEOUT_MILLIS), true);
            Integer attempts = PEER_RECONNECT_ATTEMPTS.read(p);
            Duration sleep = duration(p, PEER_RECONNECT_SLEEP.name(), Duration.ofMillis(PeerProperties.DEFAULT_RECONNECT_SLEEP_MILLIS), false);
            String id = PEER_ENDPOINT_ID.name();
            String endpointId = p.has(id) ? p.requiredString(id, "") : null;
            if (type == PeerType.MULTICAST && endpointId == null && !p.has(id))
                p.error(id, "required for multicast: it names this member in the group and decides the leader election");
            String sec = PEER_SHARED_SECRET.name();
            String secret = p.has(sec) ? p.requiredString(sec, "") : null;
            Integer quorum = PEER_QUORUM.read(p);
            Integer loops = PEER_SERVER_EVENT_LOOPS.read(p);
            Integer max = PEER_SERVER_MAX_CONNECTIONS.read(p);
            Boolean start = PEER_START_WITH_APPLICATION.read(p);
            String eventName = p.has(PEER_EVENT_NAME.name()) ? p.name(PEER_EVENT_NAME.name(), "") : name;
            if (name == null || type == null || hostname == null || port == null || eventName == null || attempts == null
                    || quorum == null || loops == null || max == null) continue;
            PeerEndpointSettings s = new PeerEndpointSettings(name, type, hostname, port, networkInterface, interval, timeout,
                    attempts, sleep, endpointId, secret, quorum, loops, max, start, eventName);
            try {
                s.properties(); // the adapter's own checks (endpointId length, ...)
                out.add(s);
            } catch (IllegalArgumentException e) {
                p.error(null, e.getMessage());
            }
        }
        return out;
    }

    /**
     * The monitors with one added for every peer eventName the config does not declare ({@link
     * PeerEndpointSettings#defaultMonitor}); a declared monitor wins (closed-loop fields, another missed count).
     */
    static List<Monitor> withPeerMonitors(List<Monitor> monitors, List<PeerEndpointSettings> peers) {
        List<Monitor> all = new ArrayList<>(monitors);
        for (PeerEndpointSettings p : peers) {
            if (all.stream().noneMatch(m -> m.eventName().equals(p.eventName()))) all.add(p.defaultMonitor());
        }
        return all;
    }

    /** A duration with a unit; a bare number is refused (milliseconds for the adapter, seconds elsewhere in Vigil). */
    private static Duration duration(ConfigNode p, String key, Duration dflt, boolean allowZero) {
        JsonNode v = p.has(key) ? p.raw().get(key) : null;
        if (v != null && (v.isNumber() || v.asText().trim().matches("\\d+(\\.\\d+)?"))) {
            p.error(key, "needs a unit, e.g. " + v.asText().trim() + "ms: the peer adapter counts bare numbers in "
                    + "milliseconds, the rest of Vigil's config in seconds");
            return dflt;
        }
        return p.duration(key, dflt, allowZero);
    }
}
