package io.vigil.config;

import static io.vigil.config.ConfigNode.keys;

import io.vigil.ingest.IngestLimits;
import io.vigil.http.auth.ApiAccess;
import io.vigil.http.auth.ApiToken;
import io.vigil.http.auth.Role;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Vigil's own YAML keys (documented in docs/configuration.md). Unknown keys are errors: a typo
 * must not silently fall back to a default. Every problem goes to the node's error list.
 */
final class VigilYamlReader {
    static final Set<String> TOP_LEVEL = keys("http", "store", "monitors", "ingest", "publish", "config", "detection", "ha",
            "collect", "workers", "actions", "silences", "dependencies", "limits");
    static final Set<String> AUTH = keys("user", "password");

    private VigilYamlReader() {
    }

    static VigilConfig read(ConfigNode root) {
        root.allowOnly(TOP_LEVEL);
        IngestLimits limits = limits(root.object("limits"));
        root.limitNames(limits.nameLength()); // the config names no source that ingest would refuse
        HttpConfig http = http(root.object("http"));
        StoreConfig store = store(root.object("store"));
        List<Monitor> monitors = monitors(root);
        IngestConfig ingest = ingest(root.object("ingest"));
        List<PublishTarget> publish = publish(root);
        ConfigNode config = root.object("config");
        config.allowOnly(keys("remote"));
        RemoteSettings remote = remote(config.object("remote"));
        DetectionConfig detection = detection(root.object("detection"), root);
        HaConfig ha = ha(root.object("ha"));
        if (ha.enabled() && store.isDefault())
            root.error("ha.enabled", "needs a store that every instance shares: set store.url to a PostgreSQL JDBC URL "
                    + "(the default is a local H2 file)");
        if (ha.mode() == HaConfig.Mode.KAFKA_PARTITIONS) checkPartitioned(root, ha, store, ingest);
        var collect = CollectYamlReader.read(root);
        return new VigilConfig(http, store, monitors, ingest, publish, remote, detection, ha, ConfigSource.YAML, collect, limits);
    }

    private static IngestLimits limits(ConfigNode n) {
        n.allowOnly(keys("nameLength", "maxSources", "newSourcesPerSecond"));
        Integer nameLength = n.integer("nameLength", IngestLimits.MAX_NAME_LENGTH, 1, IngestLimits.MAX_NAME_LENGTH);
        Integer maxSources = n.integer("maxSources", (int) IngestLimits.DEFAULT_MAX_SOURCES, 1, Integer.MAX_VALUE);
        Integer perSecond = n.integer("newSourcesPerSecond", IngestLimits.DEFAULT_NEW_SOURCES_PER_SECOND, 1, Integer.MAX_VALUE);
        return new IngestLimits(nameLength, maxSources, perSecond);
    }

    private static HttpConfig http(ConfigNode n) {
        n.allowOnly(keys("port", "host", "maxBodyBytes", "auth", "tls", "maxConnections", "idleTimeout", "headerTimeout"));
        int port = n.integer("port", HttpConfig.DEFAULT_PORT, 0, 65535);
        String host = n.has("host") ? n.requiredString("host", "") : HttpConfig.DEFAULT_HOST;
        long max = n.bytes("maxBodyBytes", HttpConfig.DEFAULT_MAX_BODY_BYTES);
        BasicAuth basic = null;
        ApiAccess access = ApiAccess.defaults();
        if (n.has("auth")) {
            ConfigNode a = n.object("auth");
            a.allowOnly(keys("user", "password", "tokens", "trustLoopback"));
            if (a.has("user") || a.has("password")) {
                String user = a.requiredString("user", "required when http.auth.password is given");
                String password = a.string("password");
                if (password == null && !a.has("password")) a.error("password", "required when http.auth.user is given");
                if (user != null && password != null) basic = new BasicAuth(user, password);
            }
            access = new ApiAccess(tokens(a), a.bool("trustLoopback", true));
        }
        var d = HttpConfig.Connections.DEFAULTS;
        var connections = new HttpConfig.Connections(n.integer("maxConnections", d.max(), 1, Integer.MAX_VALUE),
                n.duration("idleTimeout", d.idleTimeout(), false), n.duration("headerTimeout", d.headerTimeout(), false));
        return new HttpConfig(port, host, max, basic, access, tls(n), connections);
    }

    /** {@code http.auth.tokens}: a list of {name, role, token}; names unique, tokens distinct. */
    private static List<ApiToken> tokens(ConfigNode auth) {
        List<ConfigNode> items = auth.list("tokens");
        List<ApiToken> out = new ArrayList<>();
        if (items == null) return out;
        Set<String> names = new java.util.HashSet<>();
        Set<String> digests = new java.util.HashSet<>();
        for (ConfigNode t : items) {
            if (!t.requireObject()) continue;
            t.allowOnly(keys("name", "role", "token"));
            String name = t.requiredString("name", "required: who holds the token (it is written to the audit log)");
            String roleText = t.oneOf("role", null, List.of("ingest", "read", "admin"));
            if (roleText == null && !t.has("role")) t.error("role", "required: one of ingest, read, admin");
            String spec = t.requiredString("token", "required: the secret, or sha256:<hex> of it");
            if (name != null && !names.add(name)) t.error("name", "duplicate token name \"" + name + "\"");
            if (name == null || roleText == null || spec == null) continue;
            try {
                ApiToken tok = ApiToken.of(name, Role.parse(roleText), spec);
                if (!digests.add(tok.digestSpec())) t.error("token", "the same token is given twice; each holder needs its own");
                else out.add(tok);
            } catch (IllegalArgumentException e) {
                t.error("token", e.getMessage());
            }
        }
        return out;
    }

    /** {@code http.tls}: certFile and keyFile (both or neither), optional clientCaFile; the files must be readable. */
    private static HttpTls tls(ConfigNode parent) {
        if (!parent.has("tls")) return null;
        ConfigNode n = parent.object("tls");
        n.allowOnly(keys("certFile", "keyFile", "clientCaFile"));
        java.nio.file.Path cert = readableFile(n, "certFile", "required: the server certificate chain (PEM)");
        java.nio.file.Path key = readableFile(n, "keyFile", "required: the private key of certFile (PEM)");
        java.nio.file.Path ca = n.has("clientCaFile") ? readableFile(n, "clientCaFile", "") : null;
        return cert == null || key == null ? null : new HttpTls(cert, key, ca);
    }

    /** Optional {@code tls: {caFile: FILE}} of an outbound HTTP client: a PEM file of CAs to trust, or null. */
    private static java.nio.file.Path caFile(ConfigNode parent) {
        if (!parent.has("tls")) return null;
        ConfigNode t = parent.object("tls");
        t.allowOnly(keys("caFile"));
        return t.has("caFile") ? readableFile(t, "caFile", "") : null;
    }

    /** A file path under {@code key} that exists and can be read, or null after recording the problem. */
    static java.nio.file.Path readableFile(ConfigNode n, String key, String reasonWhenMissing) {
        String text = n.requiredString(key, reasonWhenMissing);
        if (text == null) return null;
        java.nio.file.Path p = java.nio.file.Path.of(text);
        if (!java.nio.file.Files.isRegularFile(p) || !java.nio.file.Files.isReadable(p)) {
            n.error(key, "cannot read file " + p.toAbsolutePath() + " (missing, not a regular file, or not readable)");
            return null;
        }
        return p;
    }

    /** Optional {@code user}/{@code password} pair under {@code key}; both or neither. */
    static BasicAuth auth(ConfigNode parent, String key) {
        if (!parent.has(key)) return null;
        ConfigNode n = parent.object(key);
        n.allowOnly(AUTH);
        String user = n.requiredString("user", "required when " + n.path() + " is given");
        String password = n.string("password");
        if (password == null && !n.has("password")) n.error("password", "required when " + n.path() + " is given");
        return user == null || password == null ? null : new BasicAuth(user, password);
    }

    private static StoreConfig store(ConfigNode n) {
        n.allowOnly(keys("url", "user", "password"));
        String url = n.string("url");
        if (url != null && !url.startsWith("jdbc:")) {
            n.error("url", "must be a JDBC URL starting with jdbc: like jdbc:postgresql://host:5432/vigil (got \"" + url + "\")");
            url = null;
        }
        String user = n.string("user");
        String password = n.string("password");
        if (url == null && !n.has("url") && (user != null || password != null))
            n.error(user != null ? "user" : "password",
                    "needs store.url; the default H2 file store takes no credentials");
        return new StoreConfig(url, user, password);
    }

    private static List<Monitor> monitors(ConfigNode root) {
        List<ConfigNode> items = root.list("monitors");
        List<Monitor> out = new ArrayList<>();
        if (items == null) return out;
        Map<String, String> firstPath = new HashMap<>();
        for (ConfigNode m : items) {
            if (!m.requireObject()) continue;
            Set<String> known = keys("eventName", "heartbeatInterval", "missedHeartbeats", "timeBase", "closedLoop");
            known.addAll(DetectionConfigReader.MONITOR_KEYS);
            m.allowOnly(known);
            String eventName = m.name("eventName", "required: the VES commonEventHeader.eventName this monitor owns");
            Duration interval = m.duration("heartbeatInterval", null, false);
            if (interval == null && !m.has("heartbeatInterval"))
                m.error("heartbeatInterval", "required: a positive duration like 500ms, 2s, 5m");
            Integer missed = m.integer("missedHeartbeats", 3, 1, Integer.MAX_VALUE);
            String tb = m.oneOf("timeBase", "event", List.of("event", "arrival"));
            ClosedLoop cl = closedLoop(m.object("closedLoop"));
            var rules = DetectionConfigReader.rules(m);
            if (eventName != null) {
                String earlier = firstPath.putIfAbsent(eventName, m.path());
                if (earlier != null)
                    root.error("monitors", "duplicate eventName \"" + eventName + "\" (also " + earlier + ")");
            }
            if (eventName != null && interval != null && missed != null)
                out.add(new Monitor(eventName, interval, missed,
                        tb.equals("arrival") ? TimeBase.ARRIVAL : TimeBase.EVENT, cl, rules));
        }
        return out;
    }

    private static ClosedLoop closedLoop(ConfigNode n) {
        n.allowOnly(keys("controlName", "policyName", "policyVersion", "policyScope", "targetType", "target", "version"));
        String tt = n.oneOf("targetType", "VNF", List.of("VNF", "VM"));
        return new ClosedLoop(n.string("controlName"), n.string("policyName"), n.string("policyVersion"),
                n.string("policyScope"), TargetType.valueOf(tt), n.string("target"), n.string("version"));
    }

    private static IngestConfig ingest(ConfigNode n) {
        n.allowOnly(keys("dmaap", "kafka"));
        DmaapIngest dmaap = null;
        if (n.has("dmaap")) {
            ConfigNode d = n.object("dmaap");
            d.allowOnly(keys("url", "group", "consumer", "pollTimeout", "limit", "auth", "tls"));
            String url = d.url("url", "required: the Message Router topic URL, e.g. http://mr:3904/events/TOPIC");
            String group = d.has("group") ? d.requiredString("group", "") : null;
            String consumer = d.has("consumer") ? d.requiredString("consumer", "") : null;
            Duration timeout = d.duration("pollTimeout", DmaapIngest.DEFAULT_POLL_TIMEOUT, false);
            int limit = d.integer("limit", DmaapIngest.DEFAULT_LIMIT, 1, Integer.MAX_VALUE);
            BasicAuth auth = auth(d, "auth");
            java.nio.file.Path ca = caFile(d);
            if (url != null) dmaap = new DmaapIngest(url, group, consumer, timeout, limit, auth, ca);
        }
        KafkaIngest kafka = null;
        if (n.has("kafka")) {
            ConfigNode k = n.object("kafka");
            k.allowOnly(keys("bootstrapServers", "topic", "topics", "groupId", "properties", "deadLetterTopic"));
            String servers = k.requiredString("bootstrapServers", "required: host:port[,host:port...]");
            List<String> topics = new ArrayList<>();
            if (k.has("topic") && k.has("topics")) k.error("topics", "give either topic or topics, not both");
            else if (k.has("topic")) {
                String t = k.requiredString("topic", "");
                if (t != null) topics.add(t);
            } else if (k.has("topics")) {
                List<ConfigNode> ts = k.list("topics");
                if (ts != null && ts.isEmpty()) k.error("topics", "must name at least one topic");
                if (ts != null) for (int i = 0; i < ts.size(); i++) {
                    String t = ts.get(i).raw().isValueNode() ? ts.get(i).raw().asText() : null;
                    if (t == null || t.isBlank()) ts.get(i).error(null, "must be a topic name");
                    else topics.add(t);
                }
            } else k.error("topic", "required: the topic to consume (or topics: [a, b])");
            String groupId = k.has("groupId") ? k.requiredString("groupId", "") : null;
            Map<String, String> props = k.stringMap("properties");
            String deadLetter = k.has("deadLetterTopic") ? k.requiredString("deadLetterTopic", "") : null;
            if (deadLetter != null && topics.contains(deadLetter)) {
                k.error("deadLetterTopic", "must differ from the consumed topics, or poison records would come back forever");
            } else if (deadLetter != null && !deadLetter.matches("[a-zA-Z0-9._-]{1,249}")) {
                k.error("deadLetterTopic", "not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
            }
            if (servers != null && !topics.isEmpty()) kafka = new KafkaIngest(servers, topics, groupId, props, deadLetter);
        }
        return new IngestConfig(dmaap, kafka);
    }

    private static List<PublishTarget> publish(ConfigNode root) {
        List<ConfigNode> items = root.list("publish");
        // Absent: events go to the log, so a new user sees them; an explicit empty list means nowhere.
        if (items == null) return root.has("publish") ? List.of() : List.of(new PublishTarget.Log());
        List<PublishTarget> out = new ArrayList<>();
        for (ConfigNode p : items) {
            if (!p.requireObject()) continue;
            String type = p.has("type") ? p.oneOf("type", null, List.of("dmaap", "webhook", "log", "kafka")) : null;
            if (type == null) {
                if (!p.has("type")) p.error("type", "required: one of dmaap, webhook, log, kafka");
                continue;
            }
            PublishTarget t = switch (type) {
                case "dmaap" -> {
                    p.allowOnly(keys("type", "url", "auth", "tls"));
                    String url = p.url("url", "required for type dmaap: the Message Router topic URL");
                    BasicAuth auth = auth(p, "auth");
                    java.nio.file.Path ca = caFile(p);
                    yield url == null ? null : new PublishTarget.Dmaap(url, auth, ca);
                }
                case "webhook" -> {
                    p.allowOnly(keys("type", "url", "headers", "tls"));
                    String url = p.url("url", "required for type webhook");
                    Map<String, String> headers = p.stringMap("headers");
                    java.nio.file.Path ca = caFile(p);
                    yield url == null ? null : new PublishTarget.Webhook(url, headers, ca);
                }
                case "kafka" -> {
                    p.allowOnly(keys("type", "bootstrapServers", "topic", "properties"));
                    String servers = p.requiredString("bootstrapServers", "required for type kafka: host:port[,host:port...]");
                    String topic = p.requiredString("topic", "required for type kafka");
                    Map<String, String> props = p.stringMap("properties");
                    yield servers == null || topic == null ? null : new PublishTarget.Kafka(servers, topic, props);
                }
                default -> {
                    p.allowOnly(keys("type"));
                    yield new PublishTarget.Log();
                }
            };
            if (t != null) out.add(t);
        }
        return out;
    }

    private static RemoteSettings remote(ConfigNode n) {
        n.allowOnly(keys("url", "pollInterval"));
        String url = n.url("url", null);
        Duration poll = n.duration("pollInterval", null, false);
        return new RemoteSettings(url, poll);
    }

    private static DetectionConfig detection(ConfigNode n, ConfigNode root) {
        n.allowOnly(keys("grace", "checkpointInterval", "maxSilenceDuration"));
        Duration maxSilence = n.duration("maxSilenceDuration", DetectionConfig.DEFAULT_MAX_SILENCE, false);
        return new DetectionConfig(n.duration("grace", null, true),
                n.duration("checkpointInterval", DetectionConfig.DEFAULT_CHECKPOINT_INTERVAL, false),
                DetectionConfigReader.silences(root, maxSilence), DetectionConfigReader.dependencies(root), maxSilence);
    }

    private static HaConfig ha(ConfigNode n) {
        n.allowOnly(keys("enabled", "leaseTtl", "instanceId", "mode", "advertiseUrl"));
        boolean enabled = n.bool("enabled", false);
        Duration ttl = n.duration("leaseTtl", HaConfig.DEFAULT_LEASE_TTL, false);
        if (ttl.compareTo(HaConfig.MIN_LEASE_TTL) < 0) {
            // checked here, not only by the lease keeper, so `config check` says it and `serve` does not crash on it
            n.error("leaseTtl", "must be at least 1s: renewals every TTL/3 must fit inside the safety window "
                    + "TTL - max(TTL/4, 250ms) (got " + ttl.toMillis() + "ms)");
            ttl = HaConfig.DEFAULT_LEASE_TTL;
        }
        String id = n.has("instanceId") ? n.requiredString("instanceId", "") : null;
        HaConfig.Mode mode = HaConfig.Mode.ACTIVE_STANDBY;
        if (n.has("mode")) {
            String text = n.requiredString("mode", "");
            mode = HaConfig.Mode.parse(text);
            if (mode == null) {
                n.error("mode", "must be active-standby or kafka-partitions (got \"" + text + "\")");
                mode = HaConfig.Mode.ACTIVE_STANDBY;
            }
        }
        return new HaConfig(enabled, ttl, id, mode, advertiseUrl(n));
    }

    /**
     * {@code ha.advertiseUrl}: where the other instances forward heartbeats to, so an absolute http(s) URL to which
     * they append the request path ({@code /eventListener/v7}): no query, no fragment; a trailing slash is dropped.
     */
    private static String advertiseUrl(ConfigNode n) {
        String url = n.url("advertiseUrl", null);
        if (url == null) return null;
        URI uri = URI.create(url); // n.url parsed it already
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            n.error("advertiseUrl", "must not have a query or fragment: the other instances append the request path "
                    + "to it (got \"" + url + "\")");
            return null;
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Active-active over Kafka partitions: every heartbeat comes through one Kafka topic, the store is shared. */
    private static void checkPartitioned(ConfigNode root, HaConfig ha, StoreConfig store, IngestConfig ingest) {
        String why = "kafka-partitions ";
        if (!ha.enabled()) root.error("ha.mode", why + "needs ha.enabled: true");
        if (!store.isPostgres()) {
            root.error("ha.mode", why + "needs a store every instance shares: set store.url to a PostgreSQL JDBC URL");
        }
        if (ingest.kafka() == null) {
            root.error("ha.mode", why + "needs ingest.kafka: the partitions of its topic decide which instance detects which source");
        } else if (ingest.kafka().topics().size() != 1) {
            root.error("ha.mode", why + "needs exactly one ingest.kafka topic (got " + ingest.kafka().topics()
                    + "): a source's partition must be one place");
        }
        if (ingest.dmaap() != null) {
            root.error("ha.mode", why + "takes heartbeats from Kafka only: remove ingest.dmaap (bridge the Message Router "
                    + "topic into Kafka), or use the default active-standby mode");
        }
    }
}
