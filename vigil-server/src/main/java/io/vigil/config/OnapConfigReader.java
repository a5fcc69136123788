package io.vigil.config;

import io.vigil.secret.BasicAuth;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads ONAP's heartbeat-service configuration JSON unchanged (as its config binding service hands it over).
 * Unknown keys are ignored because ONAP adds many (deployment, logging, policy keys). Errors name ONAP's
 * own keys, e.g. {@code heartbeat_config.vnfs[1].heartbeatinterval}.
 */
final class OnapConfigReader {
    /** Keys whose presence marks a document as ONAP's format. */
    static final Set<String> MARKERS = ConfigNode.keys("heartbeat_config", "streams_subscribes", "streams_publishes",
            "pg_ipAddress", "pg_portNum", "pg_userName", "pg_passwd", "pg_dbName",
            "CBS_polling_allowed", "CBS_polling_interval", "consumerID", "groupID");
    static final String SUBSCRIBE_STREAM = "ves-heartbeat";
    static final String PUBLISH_STREAM = "dcae_cl_out";
    static final Duration DEFAULT_CBS_POLLING_INTERVAL = Duration.ofSeconds(300);

    private OnapConfigReader() {
    }

    static VigilConfig read(ConfigNode root, ObjectMapper json) {
        List<Monitor> monitors = monitors(root, json);
        StoreConfig store = store(root);
        String group = root.has("groupID") ? root.requiredString("groupID", "") : null;
        String consumer = root.has("consumerID") ? root.requiredString("consumerID", "") : null;

        DmaapIngest dmaap = null;
        KafkaIngest kafka = null;
        ConfigNode sub = root.object("streams_subscribes").object(SUBSCRIBE_STREAM);
        if (sub.raw().isObject()) {
            Stream s = stream(sub);
            if (s instanceof Stream.MessageRouter mr) dmaap = new DmaapIngest(mr.url, group, consumer, null, 0, mr.auth);
            else if (s instanceof Stream.Kafka k) kafka = new KafkaIngest(k.servers, List.of(k.topic), group, Map.of());
        }
        List<PublishTarget> publish = new ArrayList<>();
        ConfigNode pub = root.object("streams_publishes").object(PUBLISH_STREAM);
        if (pub.raw().isObject()) {
            Stream s = stream(pub);
            if (s instanceof Stream.MessageRouter mr) publish.add(new PublishTarget.Dmaap(mr.url, mr.auth));
            else if (s instanceof Stream.Kafka k) publish.add(new PublishTarget.Kafka(k.servers, k.topic, Map.of()));
        } else {
            publish.add(new PublishTarget.Log()); // as in YAML: nowhere configured means the log
        }

        RemoteSettings remote = RemoteSettings.NONE;
        if (root.bool("CBS_polling_allowed", false)) {
            Duration every = root.duration("CBS_polling_interval", DEFAULT_CBS_POLLING_INTERVAL, false);
            remote = new RemoteSettings(null, every);
        } else if (root.has("CBS_polling_interval")) {
            root.duration("CBS_polling_interval", null, false); // still validated, though unused
        }
        return new VigilConfig(null, store, monitors, new IngestConfig(dmaap, kafka), publish, remote, null,
                replicas(root, store), ConfigSource.ONAP_JSON, null, null);
    }

    /** Environment variables that set an ONAP replica's HA identity (the ONAP JSON has no keys for them). */
    public static final String INSTANCE_ID_ENV = "VIGIL_HA_INSTANCE_ID";
    public static final String LEASE_TTL_ENV = "VIGIL_HA_LEASE_TTL";

    /**
     * ONAP runs its service as replicas on one PostgreSQL database, the first active and the others inactive: with a
     * PostgreSQL store the ONAP JSON forms an active/standby group by itself. The lease TTL and the instance id come
     * from {@value #LEASE_TTL_ENV} and {@value #INSTANCE_ID_ENV} (defaults 5 s and {@code <hostname>-<pid>}). Without
     * PostgreSQL (the embedded H2 file, one process) there is no group and HA stays off.
     */
    private static HaConfig replicas(ConfigNode root, StoreConfig store) {
        if (store.url() == null || !store.url().startsWith("jdbc:postgresql:")) return HaConfig.defaults();
        Map<String, String> env = System.getenv();
        Duration ttl = HaConfig.DEFAULT_LEASE_TTL;
        String ttlText = env.get(LEASE_TTL_ENV);
        if (ttlText != null && !ttlText.isBlank()) {
            try {
                ttl = DurationSyntax.parse(ttlText.strip());
                if (ttl.compareTo(HaConfig.MIN_LEASE_TTL) < 0) throw new IllegalArgumentException("at least 1s");
            } catch (IllegalArgumentException e) {
                root.error(null, "environment variable " + LEASE_TTL_ENV + "=" + ttlText + " is not a lease TTL of at least 1s (like 5s): "
                        + e.getMessage());
                ttl = HaConfig.DEFAULT_LEASE_TTL;
            }
        }
        String id = env.get(INSTANCE_ID_ENV);
        return new HaConfig(true, ttl, id == null || id.isBlank() ? null : id.strip());
    }

    private static List<Monitor> monitors(ConfigNode root, ObjectMapper json) {
        List<Monitor> out = new ArrayList<>();
        if (!root.has("heartbeat_config")) return out;
        JsonNode hc = root.raw().get("heartbeat_config");
        if (hc.isTextual()) {
            // ONAP hands heartbeat_config over as a JSON string holding {"vnfs": [...]}.
            try {
                hc = json.readTree(hc.asText());
            } catch (JsonProcessingException e) {
                root.error("heartbeat_config", "is a string but not valid JSON: " + ConfigLoader.syntaxMessage(e));
                return out;
            }
        }
        ConfigNode config = new ConfigNode(hc, "heartbeat_config", root.errors());
        if (!config.requireObject()) return out;
        List<ConfigNode> vnfs = config.list("vnfs");
        if (vnfs == null) {
            if (!config.has("vnfs")) config.error("vnfs", "required: the list of heartbeat monitors");
            return out;
        }
        Map<String, String> firstPath = new HashMap<>();
        for (ConfigNode v : vnfs) {
            if (!v.requireObject()) continue;
            String eventName = v.name("eventName", "required: the VES eventName to monitor");
            Duration interval = v.duration("heartbeatinterval", null, false);
            if (interval == null && !v.has("heartbeatinterval"))
                v.error("heartbeatinterval", "required: seconds between two heartbeats");
            Integer missed = v.integer("heartbeatcountmissed", null, 1, Integer.MAX_VALUE);
            if (missed == null && !v.has("heartbeatcountmissed"))
                v.error("heartbeatcountmissed", "required: how many heartbeats may be missed before ONSET");
            String tt = v.oneOf("target_type", "VNF", List.of("VNF", "VM"));
            ClosedLoop cl = new ClosedLoop(v.string("closedLoopControlName"), v.string("policyName"),
                    v.string("policyVersion"), v.string("policyScope"), TargetType.valueOf(tt), v.string("target"),
                    v.string("version"));
            if (eventName != null) {
                String earlier = firstPath.putIfAbsent(eventName, v.path());
                if (earlier != null)
                    config.error("vnfs", "duplicate eventName \"" + eventName + "\" (also " + earlier + ")");
            }
            if (eventName != null && interval != null && missed != null)
                out.add(new Monitor(eventName, interval, missed, TimeBase.EVENT, cl));
        }
        return out;
    }

    private static StoreConfig store(ConfigNode root) {
        String host = root.string("pg_ipAddress");
        if (host == null || host.isBlank()) return StoreConfig.defaults();
        host = host.trim();
        Integer port = root.integer("pg_portNum", 5432, 1, 65535);
        String db = root.requiredString("pg_dbName", "required with pg_ipAddress: the PostgreSQL database name");
        String user = root.string("pg_userName");
        String password = root.string("pg_passwd");
        if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]"; // an IPv6 literal
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + (db == null ? "postgres" : db);
        return new StoreConfig(url, user, password);
    }

    /** One ONAP stream: {@code type} message_router (dmaap_info) or kafka (kafka_info). */
    private sealed interface Stream {
        record MessageRouter(String url, BasicAuth auth) implements Stream {
        }

        record Kafka(String servers, String topic) implements Stream {
        }
    }

    private static Stream stream(ConfigNode s) {
        String type = s.oneOf("type", s.has("kafka_info") && !s.has("dmaap_info") ? "kafka" : "message_router",
                List.of("message_router", "kafka"));
        if (type.equals("kafka")) {
            ConfigNode k = s.object("kafka_info");
            String servers = k.requiredString("bootstrap_servers", "required for a kafka stream: host:port[,host:port...]");
            String topic = k.requiredString("topic_name", "required for a kafka stream");
            return servers == null || topic == null ? null : new Stream.Kafka(servers, topic);
        }
        ConfigNode d = s.object("dmaap_info");
        String url = d.url("topic_url", "required for a message_router stream: the topic URL");
        // Newer ONAP components put Message Router credentials next to the topic URL.
        String user = d.string("aaf_username");
        String password = d.string("aaf_password");
        BasicAuth auth = user == null || user.isBlank() ? null : new BasicAuth(user, password == null ? "" : password);
        return url == null ? null : new Stream.MessageRouter(url, auth);
    }
}
