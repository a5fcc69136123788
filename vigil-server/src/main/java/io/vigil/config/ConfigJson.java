package io.vigil.config;

import io.vigil.secret.BasicAuth;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.secret.Secrets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The normalized form of a {@link VigilConfig} as JSON with Vigil's YAML keys and every default filled in:
 * what {@code vigil config check --json} prints and what {@code GET /api/v1/config} may answer. With
 * secrets revealed, the output loads back through {@link ConfigLoader} to an equal configuration
 * (except {@code source}, which is not printed and becomes YAML). Unless revealed, every secret is {@code "******"}:
 * passwords, the values of credential headers and properties (Authorization, tokens, API keys, JAAS configs), and the
 * credentials inside URLs ({@link Secrets}).
 */
public final class ConfigJson {
    private static final ObjectMapper MAPPER = io.vigil.json.JsonMappers.MAPPER;
    static final String MASK = Secrets.MASK;

    private ConfigJson() {
    }

    public static ObjectNode toTree(VigilConfig c, boolean revealSecrets) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode http = root.putObject("http");
        http.put("port", c.http().port());
        http.put("host", c.http().host());
        http.put("maxBodyBytes", c.http().maxBodyBytes());
        http.put("maxConnections", c.http().connections().max());
        http.put("idleTimeout", DurationSyntax.format(c.http().connections().idleTimeout()));
        http.put("headerTimeout", DurationSyntax.format(c.http().connections().headerTimeout()));
        auth(http, "auth", c.http().auth(), revealSecrets);
        var access = c.http().access();
        if (!access.tokens().isEmpty() || !access.trustLoopback()) {
            ObjectNode a = http.has("auth") ? (ObjectNode) http.get("auth") : http.putObject("auth");
            ArrayNode tokens = a.putArray("tokens");
            // only the digest is known (and it is no secret): the output loads back to the same tokens
            for (var t : access.tokens()) tokens.addObject().put("name", t.name()).put("role", t.role().text()).put("token", t.digestSpec());
            a.put("trustLoopback", access.trustLoopback());
        }
        if (c.http().tls() != null) {
            ObjectNode t = http.putObject("tls");
            t.put("certFile", c.http().tls().certFile().toString());
            t.put("keyFile", c.http().tls().keyFile().toString());
            if (c.http().tls().clientCaFile() != null) t.put("clientCaFile", c.http().tls().clientCaFile().toString());
        }

        ObjectNode limits = root.putObject("limits");
        limits.put("nameLength", c.limits().nameLength());
        limits.put("maxSources", c.limits().maxSources());
        limits.put("newSourcesPerSecond", c.limits().newSourcesPerSecond());

        ObjectNode store = root.putObject("store");
        store.put("url", url(c.store().url(), revealSecrets)); // null = embedded H2 under the data dir
        if (c.store().user() != null) store.put("user", c.store().user());
        if (c.store().password() != null) store.put("password", secret(c.store().password(), revealSecrets));

        ArrayNode monitors = root.putArray("monitors");
        for (Monitor m : c.monitors()) {
            ObjectNode n = monitors.addObject();
            n.put("eventName", m.eventName());
            n.put("heartbeatInterval", DurationSyntax.format(m.heartbeatInterval()));
            n.put("missedHeartbeats", m.missedHeartbeats());
            n.put("timeBase", m.timeBase().name().toLowerCase(Locale.ROOT));
            ClosedLoop cl = m.closedLoop();
            ObjectNode l = n.putObject("closedLoop");
            l.put("controlName", cl.controlName());
            l.put("policyName", cl.policyName());
            l.put("policyVersion", cl.policyVersion());
            l.put("policyScope", cl.policyScope());
            l.put("targetType", cl.targetType().name());
            l.put("target", cl.target());
            l.put("version", cl.version());
            DetectionJson.rules(n, m.detection());
        }

        ObjectNode ingest = root.putObject("ingest");
        DmaapIngest d = c.ingest().dmaap();
        if (d != null) {
            ObjectNode n = ingest.putObject("dmaap");
            n.put("url", url(d.url(), revealSecrets));
            n.put("group", d.group());
            n.put("consumer", d.consumer());
            n.put("pollTimeout", DurationSyntax.format(d.pollTimeout()));
            n.put("limit", d.limit());
            if (!d.pollGrace().equals(DmaapIngest.DEFAULT_POLL_GRACE)) n.put("pollGrace", DurationSyntax.format(d.pollGrace()));
            if (!d.retryMax().equals(DmaapIngest.DEFAULT_RETRY_MAX)) n.put("retryMax", DurationSyntax.format(d.retryMax()));
            auth(n, "auth", d.auth(), revealSecrets);
            caFile(n, d.caFile());
        }
        KafkaIngest k = c.ingest().kafka();
        if (k != null) {
            ObjectNode n = ingest.putObject("kafka");
            n.put("bootstrapServers", k.bootstrapServers());
            ArrayNode topics = n.putArray("topics");
            k.topics().forEach(topics::add);
            n.put("groupId", k.groupId());
            strings(n, "properties", k.properties(), revealSecrets);
            if (k.deadLetterTopic() != null) n.put("deadLetterTopic", k.deadLetterTopic());
            if (k.groupInstanceId() != null) n.put("groupInstanceId", k.groupInstanceId());
        }

        ArrayNode publish = root.putArray("publish");
        for (PublishTarget t : c.publish()) {
            ObjectNode n = publish.addObject();
            n.put("type", t.type().wire());
            switch (t) {
                case PublishTarget.Dmaap x -> {
                    n.put("url", url(x.url(), revealSecrets));
                    auth(n, "auth", x.auth(), revealSecrets);
                    caFile(n, x.caFile());
                    if (!x.batch().equals(PublishTarget.Batch.MESSAGE_ROUTER_DEFAULT)) batch(n, x.batch());
                }
                case PublishTarget.Webhook x -> {
                    n.put("url", url(x.url(), revealSecrets));
                    strings(n, "headers", x.headers(), revealSecrets);
                    caFile(n, x.caFile());
                    x.batch().ifPresent(b -> batch(n, b));
                }
                case PublishTarget.Kafka x -> {
                    n.put("bootstrapServers", x.bootstrapServers());
                    n.put("topic", x.topic());
                    strings(n, "properties", x.properties(), revealSecrets);
                }
                case PublishTarget.Log x -> { }
            }
        }

        ObjectNode remote = root.putObject("config").putObject("remote");
        remote.put("url", url(c.remote().url(), revealSecrets));
        duration(remote, "pollInterval", c.remote().pollInterval());
        ObjectNode detection = root.putObject("detection");
        duration(detection, "grace", c.detection().grace());
        duration(detection, "checkpointInterval", c.detection().checkpointInterval());
        duration(detection, "maxSilenceDuration", c.detection().maxSilence());
        // written only when not the default: instances from before the key refuse a shared configuration naming it
        if (!c.detection().warmUp()) detection.put("warmUp", false);
        DetectionJson.silences(root.putArray("silences"), c.detection().silences());
        DetectionJson.dependencies(root.putArray("dependencies"), c.detection().dependencies());
        ObjectNode ha = root.putObject("ha");
        ha.put("enabled", c.ha().enabled());
        duration(ha, "leaseTtl", c.ha().leaseTtl());
        ha.put("instanceId", c.ha().instanceId());
        ha.put("mode", c.ha().mode().text());
        ha.put("advertiseUrl", c.ha().advertiseUrl());
        caFile(ha, c.ha().caFile());
        if (!c.collect().equals(io.vigil.collect.CollectSettings.NONE)) CollectJsonForm.write(root, c.collect(), revealSecrets);
        if (!c.peers().isEmpty()) {
            ArrayNode peers = root.putArray("peers");
            for (PeerEndpointSettings p : c.peers()) {
                ObjectNode n = peers.addObject();
                n.put("name", p.name());
                n.put("type", p.type().name().toLowerCase(Locale.ROOT));
                n.put("hostname", p.hostname());
                n.put("port", p.port());
                if (!p.networkInterface().isBlank()) n.put("networkInterface", p.networkInterface());
                n.put("heartbeatInterval", DurationSyntax.format(p.heartbeatInterval()));
                n.put("heartbeatTimeout", DurationSyntax.format(p.heartbeatTimeout()));
                n.put("reconnectAttempts", p.reconnectAttempts());
                n.put("reconnectSleep", DurationSyntax.format(p.reconnectSleep()));
                if (p.endpointId() != null) n.put("endpointId", p.endpointId());
                if (p.sharedSecret() != null) n.put("sharedSecret", secret(p.sharedSecret(), revealSecrets));
                n.put("quorum", p.quorum());
                n.put("serverEventLoops", p.serverEventLoops());
                n.put("serverMaxConnections", p.serverMaxConnections());
                n.put("startWithApplication", p.startWithApplication());
                n.put("eventName", p.eventName());
            }
        }
        return root;
    }

    /** Every declared key ({@link ConfigKeys}) as a JSON array of {path, section, reload, type, default, doc, variants}. */
    public static String keysJson() {
        ArrayNode array = MAPPER.createArrayNode();
        for (ConfigKey<?> k : ConfigKeys.all()) {
            ObjectNode n = array.addObject().put("path", k.path()).put("section", k.isSection())
                    .put("reload", k.reload().name().toLowerCase(Locale.ROOT));
            if (k.isDocumented()) n.put("type", k.type()).put("default", k.defaultText()).put("doc", k.doc());
            if (!k.variants().isEmpty()) k.variants().forEach(n.putArray("variants")::add);
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(array);
        } catch (Exception e) {
            throw new IllegalStateException("a key list always serializes", e);
        }
    }

    /** Pretty-printed {@link #toTree}. */
    public static String toJson(VigilConfig c, boolean revealSecrets) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toTree(c, revealSecrets));
        } catch (Exception e) {
            throw new IllegalStateException("a config tree always serializes", e);
        }
    }

    private static void auth(ObjectNode parent, String key, BasicAuth a, boolean reveal) {
        if (a == null) return;
        ObjectNode n = parent.putObject(key);
        n.put("user", a.user());
        n.put("password", secret(a.password(), reveal));
    }

    private static void caFile(ObjectNode parent, java.nio.file.Path caFile) {
        if (caFile != null) parent.putObject("tls").put("caFile", caFile.toString());
    }

    private static String secret(String s, boolean reveal) {
        return reveal ? s : MASK;
    }

    /** A URL with its credentials masked unless revealed ({@link Secrets#redactUrl}). */
    static String url(String url, boolean reveal) {
        return reveal ? url : Secrets.redactUrl(url);
    }

    private static void batch(ObjectNode target, PublishTarget.Batch b) {
        ObjectNode n = target.putObject("batch");
        n.put("maxEvents", b.maxEvents());
        duration(n, "maxDelay", b.maxDelay());
    }

    private static void duration(ObjectNode n, String key, Duration d) {
        if (d == null) n.putNull(key);
        else n.put(key, DurationSyntax.format(d));
    }

    /** Headers or properties; the values of credential names ({@link Secrets#isSecretName}) masked unless revealed. */
    static void strings(ObjectNode parent, String key, Map<String, String> map, boolean reveal) {
        ObjectNode n = parent.putObject(key);
        (reveal ? map : Secrets.maskValues(map)).forEach(n::put);
    }
}
