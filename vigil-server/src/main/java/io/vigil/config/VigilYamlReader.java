package io.vigil.config;

import org.jspecify.annotations.Nullable;
import io.vigil.secret.BasicAuth;
import static io.vigil.config.ConfigKeys.*;

import io.vigil.ingest.IngestLimits;
import io.vigil.access.ApiAccess;
import io.vigil.access.ApiToken;
import io.vigil.access.Role;
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
    /** The top-level keys, declared in {@link ConfigKeys}. */
    static final Set<String> TOP_LEVEL = ConfigKeys.topLevel();

    private VigilYamlReader() {
    }

    static VigilConfig read(ConfigNode root) {
        root.allowOnly(ROOT);
        IngestLimits limits = limits(root.object(LIMITS.name()));
        root.limitNames(limits.nameLength()); // the config names no source that ingest would refuse
        HttpConfig http = http(root.object(HTTP.name()));
        StoreConfig store = store(root.object(STORE.name()));
        List<Monitor> monitors = monitors(root);
        IngestConfig ingest = ingest(root.object(INGEST.name()));
        List<PublishTarget> publish = publish(root);
        ConfigNode config = root.object(CONFIG.name());
        config.allowOnly(CONFIG);
        RemoteSettings remote = remote(config.object(REMOTE.name()));
        DetectionConfig detection = detection(root.object(DETECTION.name()), root);
        HaConfig ha = ha(root.object(HA.name()));
        if (ha.enabled() && store.isDefault())
            root.error("ha.enabled", "needs a store that every instance shares: set store.url to a PostgreSQL JDBC URL "
                    + "(the default is a local H2 file)");
        if (ha.mode() == HaConfig.Mode.KAFKA_PARTITIONS) checkPartitioned(root, ha, store, ingest);
        var collect = CollectYamlReader.read(root);
        List<PeerEndpointSettings> peers = PeersYamlReader.read(root);
        monitors = PeersYamlReader.withPeerMonitors(monitors, peers);
        return new VigilConfig(http, store, monitors, ingest, publish, remote, detection, ha, ConfigSource.YAML, collect, limits,
                peers);
    }

    private static IngestLimits limits(ConfigNode n) {
        n.allowOnly(LIMITS);
        Integer nameLength = LIMITS_NAME_LENGTH.read(n);
        Integer maxSources = LIMITS_MAX_SOURCES.read(n);
        Integer perSecond = LIMITS_NEW_SOURCES_PER_SECOND.read(n);
        return new IngestLimits(nameLength, maxSources, perSecond);
    }

    private static HttpConfig http(ConfigNode n) {
        n.allowOnly(HTTP);
        int port = HTTP_PORT.read(n);
        String host = n.has(HTTP_HOST.name()) ? n.requiredString(HTTP_HOST.name(), "") : HttpConfig.DEFAULT_HOST;
        long max = HTTP_MAX_BODY_BYTES.read(n);
        BasicAuth basic = null;
        ApiAccess access = ApiAccess.defaults();
        if (n.has(HTTP_AUTH.name())) {
            ConfigNode a = n.object(HTTP_AUTH.name());
            a.allowOnly(HTTP_AUTH);
            if (a.has("user") || a.has("password")) {
                String user = a.requiredString("user", "required when http.auth.password is given");
                String password = a.string("password");
                if (password == null && !a.has("password")) a.error("password", "required when http.auth.user is given");
                if (user != null && password != null) basic = new BasicAuth(user, password);
            }
            access = new ApiAccess(tokens(a), HTTP_AUTH_TRUST_LOOPBACK.read(a));
        }
        var d = HttpConfig.Connections.DEFAULTS;
        var connections = new HttpConfig.Connections(HTTP_MAX_CONNECTIONS.read(n), HTTP_IDLE_TIMEOUT.read(n),
                HTTP_HEADER_TIMEOUT.read(n));
        return new HttpConfig(port, host, max, basic, access, tls(n), connections);
    }

    /** {@code http.auth.tokens}: a list of {name, role, token}; names unique, tokens distinct. */
    private static List<ApiToken> tokens(ConfigNode auth) {
        List<ConfigNode> items = auth.list(HTTP_AUTH_TOKENS.name());
        List<ApiToken> out = new ArrayList<>();
        if (items == null) return out;
        Set<String> names = new java.util.HashSet<>();
        Set<String> digests = new java.util.HashSet<>();
        for (ConfigNode t : items) {
            if (!t.requireObject()) continue;
            t.allowOnly(HTTP_AUTH_TOKENS);
            String name = t.requiredString("name", "required: who holds the token (it is written to the audit log)");
            String roleText = TOKEN_ROLE.read(t);
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
    private static @Nullable HttpTls tls(ConfigNode parent) {
        if (!parent.has(HTTP_TLS.name())) return null;
        ConfigNode n = parent.object(HTTP_TLS.name());
        n.allowOnly(HTTP_TLS);
        java.nio.file.Path cert = readableFile(n, "certFile", "required: the server certificate chain (PEM)");
        java.nio.file.Path key = readableFile(n, "keyFile", "required: the private key of certFile (PEM)");
        java.nio.file.Path ca = n.has("clientCaFile") ? readableFile(n, "clientCaFile", "") : null;
        return cert == null || key == null ? null : new HttpTls(cert, key, ca);
    }

    /** Optional {@code tls: {caFile: FILE}} ({@code section}) of an outbound HTTP client: a PEM file of CAs to trust, or null. */
    /** {@code publish[].batch: {maxEvents, maxDelay}}; empty when absent or invalid (the error is recorded). */
    private static java.util.Optional<PublishTarget.Batch> batch(ConfigNode target) {
        if (!target.has(PUBLISH_BATCH.name())) return java.util.Optional.empty();
        ConfigNode b = target.object(PUBLISH_BATCH.name());
        if (b.raw() == null || !b.raw().isObject()) return java.util.Optional.empty(); // not a mapping: reported by object()
        b.allowOnly(PUBLISH_BATCH);
        if (!b.has(PUBLISH_BATCH_MAX_EVENTS.name())) {
            b.error(PUBLISH_BATCH_MAX_EVENTS.name(), "required in batch: the most events per request, e.g. 500");
            return java.util.Optional.empty();
        }
        Integer maxEvents = PUBLISH_BATCH_MAX_EVENTS.read(b);
        java.time.Duration maxDelay = PUBLISH_BATCH_MAX_DELAY.read(b);
        if (maxEvents == null || maxDelay == null) return java.util.Optional.empty();
        return java.util.Optional.of(new PublishTarget.Batch(maxEvents, maxDelay));
    }

    private static java.nio.file.@Nullable Path caFile(ConfigNode parent, ConfigKey<?> section) {
        if (!parent.has(section.name())) return null;
        ConfigNode t = parent.object(section.name());
        t.allowOnly(section);
        return t.has("caFile") ? readableFile(t, "caFile", "") : null;
    }

    /** A file path under {@code key} that exists and can be read, or null after recording the problem. */
    static java.nio.file.@Nullable Path readableFile(ConfigNode n, String key, @Nullable String reasonWhenMissing) {
        String text = n.requiredString(key, reasonWhenMissing);
        if (text == null) return null;
        java.nio.file.Path p = java.nio.file.Path.of(text);
        if (!java.nio.file.Files.isRegularFile(p) || !java.nio.file.Files.isReadable(p)) {
            n.error(key, "cannot read file " + p.toAbsolutePath() + " (missing, not a regular file, or not readable)");
            return null;
        }
        return p;
    }

    /** Optional {@code user}/{@code password} pair ({@code section}); both or neither. */
    static @Nullable BasicAuth auth(ConfigNode parent, ConfigKey<?> section) {
        if (!parent.has(section.name())) return null;
        ConfigNode n = parent.object(section.name());
        n.allowOnly(section);
        String user = n.requiredString("user", "required when " + n.path() + " is given");
        String password = n.string("password");
        if (password == null && !n.has("password")) n.error("password", "required when " + n.path() + " is given");
        return user == null || password == null ? null : new BasicAuth(user, password);
    }

    private static StoreConfig store(ConfigNode n) {
        n.allowOnly(STORE);
        String url = n.string(STORE_URL.name());
        if (url != null && !url.startsWith("jdbc:")) {
            n.error("url", "must be a JDBC URL starting with jdbc: like jdbc:postgresql://host:5432/vigil (got \"" + url + "\")");
            url = null;
        }
        String user = STORE_USER.read(n);
        String password = STORE_PASSWORD.read(n);
        if (url == null && !n.has(STORE_URL.name()) && (user != null || password != null))
            n.error(user != null ? "user" : "password",
                    "needs store.url; the default H2 file store takes no credentials");
        return new StoreConfig(url, user, password);
    }

    private static List<Monitor> monitors(ConfigNode root) {
        List<ConfigNode> items = root.list(MONITORS.name());
        List<Monitor> out = new ArrayList<>();
        if (items == null) return out;
        Map<String, String> firstPath = new HashMap<>();
        for (ConfigNode m : items) {
            if (!m.requireObject()) continue;
            m.allowOnly(MONITORS);
            String eventName = m.name("eventName", "required: the VES commonEventHeader.eventName this monitor owns");
            Duration interval = MONITOR_HEARTBEAT_INTERVAL.read(m);
            if (interval == null && !m.has("heartbeatInterval"))
                m.error("heartbeatInterval", "required: a positive duration like 500ms, 2s, 5m");
            Integer missed = MONITOR_MISSED_HEARTBEATS.read(m);
            String tb = MONITOR_TIME_BASE.read(m);
            ClosedLoop cl = closedLoop(m.object(CLOSED_LOOP.name()));
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
        n.allowOnly(CLOSED_LOOP);
        String tt = CLOSED_LOOP_TARGET_TYPE.read(n);
        return new ClosedLoop(CLOSED_LOOP_CONTROL_NAME.read(n), CLOSED_LOOP_POLICY_NAME.read(n), CLOSED_LOOP_POLICY_VERSION.read(n),
                CLOSED_LOOP_POLICY_SCOPE.read(n), TargetType.valueOf(tt), CLOSED_LOOP_TARGET.read(n), CLOSED_LOOP_VERSION.read(n));
    }

    private static IngestConfig ingest(ConfigNode n) {
        n.allowOnly(INGEST);
        DmaapIngest dmaap = null;
        if (n.has(DMAAP.name())) {
            ConfigNode d = n.object(DMAAP.name());
            d.allowOnly(DMAAP);
            String url = d.url("url", "required: the Message Router topic URL, e.g. http://mr:3904/events/TOPIC");
            String group = d.has("group") ? d.requiredString("group", "") : null;
            String consumer = d.has("consumer") ? d.requiredString("consumer", "") : null;
            Duration timeout = DMAAP_POLL_TIMEOUT.read(d);
            int limit = DMAAP_LIMIT.read(d);
            BasicAuth auth = auth(d, DMAAP_AUTH);
            java.nio.file.Path ca = caFile(d, DMAAP_TLS);
            Duration grace = DMAAP_POLL_GRACE.read(d);
            Duration retryMax = DMAAP_RETRY_MAX.read(d);
            if (url != null) dmaap = new DmaapIngest(url, group, consumer, timeout, limit, auth, ca, grace, retryMax);
        }
        KafkaIngest kafka = null;
        if (n.has(KAFKA.name())) {
            ConfigNode k = n.object(KAFKA.name());
            k.allowOnly(KAFKA);
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
            Map<String, String> props = KAFKA_PROPERTIES.read(k);
            String deadLetter = k.has("deadLetterTopic") ? k.requiredString("deadLetterTopic", "") : null;
            if (deadLetter != null && topics.contains(deadLetter)) {
                k.error("deadLetterTopic", "must differ from the consumed topics, or poison records would come back forever");
            } else if (deadLetter != null && !deadLetter.matches("[a-zA-Z0-9._-]{1,249}")) {
                k.error("deadLetterTopic", "not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
            }
            String instance = k.has("groupInstanceId") ? k.requiredString("groupInstanceId", "") : null;
            if (servers != null && !topics.isEmpty()) kafka = new KafkaIngest(servers, topics, groupId, props, deadLetter, instance);
        }
        return new IngestConfig(dmaap, kafka);
    }

    private static List<PublishTarget> publish(ConfigNode root) {
        List<ConfigNode> items = root.list(PUBLISH.name());
        // Absent: events go to the log, so a new user sees them; an explicit empty list means nowhere.
        if (items == null) return root.has(PUBLISH.name()) ? List.of() : List.of(new PublishTarget.Log());
        List<PublishTarget> out = new ArrayList<>();
        for (ConfigNode p : items) {
            if (!p.requireObject()) continue;
            PublishType type = p.has(PUBLISH_TYPE.name()) ? PUBLISH_TYPE.read(p) : null;
            if (type == null) {
                if (!p.has("type")) p.error("type", "required: one of dmaap, webhook, log, kafka");
                continue;
            }
            p.allowOnly(PUBLISH, type.wire());
            PublishTarget t = switch (type) {
                case DMAAP -> {
                    String url = p.url("url", "required for type dmaap: the Message Router topic URL");
                    BasicAuth auth = auth(p, PUBLISH_AUTH);
                    java.nio.file.Path ca = caFile(p, PUBLISH_TLS);
                    PublishTarget.Batch batch = batch(p).orElse(PublishTarget.Batch.MESSAGE_ROUTER_DEFAULT);
                    yield url == null ? null : new PublishTarget.Dmaap(url, auth, ca, batch);
                }
                case WEBHOOK -> {
                    String url = p.url("url", "required for type webhook");
                    Map<String, String> headers = PUBLISH_HEADERS.read(p);
                    java.nio.file.Path ca = caFile(p, PUBLISH_TLS);
                    var batch = batch(p);
                    yield url == null ? null : new PublishTarget.Webhook(url, headers, ca, batch);
                }
                case KAFKA -> {
                    String servers = p.requiredString("bootstrapServers", "required for type kafka: host:port[,host:port...]");
                    String topic = p.requiredString("topic", "required for type kafka");
                    Map<String, String> props = PUBLISH_PROPERTIES.read(p);
                    yield servers == null || topic == null ? null : new PublishTarget.Kafka(servers, topic, props);
                }
                case LOG -> new PublishTarget.Log();
            };
            if (t != null) out.add(t);
        }
        return out;
    }

    private static RemoteSettings remote(ConfigNode n) {
        n.allowOnly(REMOTE);
        String url = REMOTE_URL.read(n);
        Duration poll = REMOTE_POLL_INTERVAL.read(n);
        return new RemoteSettings(url, poll);
    }

    private static DetectionConfig detection(ConfigNode n, ConfigNode root) {
        n.allowOnly(DETECTION);
        Duration maxSilence = DETECTION_MAX_SILENCE.read(n);
        return new DetectionConfig(DETECTION_GRACE.read(n), DETECTION_CHECKPOINT_INTERVAL.read(n),
                DetectionConfigReader.silences(root, maxSilence), DetectionConfigReader.dependencies(root), maxSilence,
                DETECTION_WARM_UP.read(n));
    }

    private static HaConfig ha(ConfigNode n) {
        n.allowOnly(HA);
        boolean enabled = HA_ENABLED.read(n);
        Duration ttl = HA_LEASE_TTL.read(n);
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
        return new HaConfig(enabled, ttl, id, mode, advertiseUrl(n), caFile(n, HA_TLS));
    }

    /**
     * {@code ha.advertiseUrl}: where the other instances forward heartbeats to, so an absolute http(s) URL to which
     * they append the request path ({@code /eventListener/v7}): no query, no fragment; a trailing slash is dropped.
     */
    private static @Nullable String advertiseUrl(ConfigNode n) {
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
