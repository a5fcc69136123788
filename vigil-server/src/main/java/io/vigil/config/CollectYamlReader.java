package io.vigil.config;

import org.jspecify.annotations.Nullable;
import static io.vigil.config.ConfigKeys.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.collect.CollectSettings;
import io.vigil.collect.EventQueueSpec;
import io.vigil.collect.action.ActionSpec;
import io.vigil.collect.datasource.CheckSpec;
import io.vigil.collect.datasource.DatasourceSpec;
import io.vigil.collect.datasource.EntitySpec;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.worker.WorkerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the pull side's YAML: {@code collect} (timers, remote collectors, datasources), {@code workers[]} and
 * {@code actions} (docs/configuration.md and docs/collect.md). Same rules as the rest: unknown keys are errors,
 * every problem is reported with its path.
 */
final class CollectYamlReader {
    private CollectYamlReader() {
    }

    static CollectSettings read(ConfigNode root) {
        boolean any = root.has(COLLECT.name()) || root.has(WORKERS.name()) || root.has(ACTIONS.name());
        if (!any) return CollectSettings.NONE;
        ConfigNode c = root.object(COLLECT.name());
        c.allowOnly(COLLECT);
        Duration changes = COLLECT_CHANGES_INTERVAL.read(c);
        Duration all = COLLECT_ALL_INTERVAL.read(c);
        Duration callTimeout = COLLECT_CALL_TIMEOUT.read(c);
        List<String> collectors = new ArrayList<>();
        List<ConfigNode> urls = c.list(COLLECT_COLLECTORS.name());
        if (urls != null) for (ConfigNode u : urls) {
            String url = u.raw().isTextual() ? u.raw().asText().trim() : null;
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://")))
                u.error(null, "must be a collector base URL like http://127.0.0.1:7001 (got " + ConfigNode.describe(u.raw()) + ")");
            else collectors.add(url);
        }
        EventQueueSpec queue = eventQueue(c);
        List<DatasourceSpec> datasources = datasources(c);
        List<WorkerSpec> workers = workers(root);
        Map<String, ActionSpec> actions = actions(root.object(ACTIONS.name()));
        return new CollectSettings(changes, all, callTimeout, collectors, queue, datasources, workers, actions);
    }

    /**
     * {@code collect.eventQueue}: {@code store} (default) or {@code none}, or an object {@code {type: store|none|kafka}};
     * type kafka takes {@code bootstrapServers}, {@code topic} and optional producer {@code properties}.
     */
    private static EventQueueSpec eventQueue(ConfigNode c) {
        String key = EVENT_QUEUE.name();
        if (!c.has(key) || !c.raw().path(key).isObject()) {
            return "none".equals(c.oneOf(key, "store", List.of("store", "none"))) ? EventQueueSpec.NONE : EventQueueSpec.STORE;
        }
        ConfigNode q = c.object(key);
        String type = EVENT_QUEUE_TYPE.read(q);
        if (type == null) {
            if (!q.has("type")) q.error("type", "required: one of store, none, kafka");
            return EventQueueSpec.STORE;
        }
        if (!"kafka".equals(type)) {
            q.allowOnly(EVENT_QUEUE, type);
            return "none".equals(type) ? EventQueueSpec.NONE : EventQueueSpec.STORE;
        }
        q.allowOnly(EVENT_QUEUE, type);
        String servers = q.requiredString("bootstrapServers", "required for type kafka: host:port[,host:port...]");
        String topic = q.requiredString("topic", "required for type kafka: the topic collected events go to");
        Map<String, String> properties = EVENT_QUEUE_PROPERTIES.read(q);
        return servers == null || topic == null ? EventQueueSpec.STORE : new EventQueueSpec.Kafka(servers, topic, properties);
    }

    // ------------------------------------------------------------------ datasources

    private static List<DatasourceSpec> datasources(ConfigNode c) {
        List<DatasourceSpec> out = new ArrayList<>();
        List<ConfigNode> items = c.list(DATASOURCES.name());
        if (items == null) return out;
        Map<String, String> firstPath = new HashMap<>();
        for (ConfigNode d : items) {
            if (!d.requireObject()) continue;
            d.allowOnly(DATASOURCES);
            String name = d.requiredString("name", "required: the datasource name that get_all/get_changes take");
            String typeName = DATASOURCE_TYPE.read(d);
            DatasourceSpec.Type type = DatasourceSpec.Type.valueOf(typeName.toUpperCase(Locale.ROOT));
            Duration timeout = DATASOURCE_TIMEOUT.read(d);
            CheckSpec dflt = d.has("check") ? check(d.object("check")) : switch (type) {
                case TCP -> new CheckSpec.Tcp(d.integer("port", 22, 1, 65535), timeout);
                case HTTP -> new CheckSpec.Http(null, d.integer("port", 80, 1, 65535), d.string("path"), null, null, null, timeout);
                default -> null;
            };
            if (type != DatasourceSpec.Type.TCP && type != DatasourceSpec.Type.HTTP) {
                if (d.has("port")) d.error("port", "only for type tcp or http (the port their default check uses)");
                if (d.has("path")) d.error("path", "only for type http");
            }
            List<String> command = d.has("command") ? command(d, "command") : null;
            if (command != null && type != DatasourceSpec.Type.COMMAND)
                d.error("command", "only for type command (a discovery command printing the entities as JSON)");
            Duration cache = d.has(DATASOURCE_CACHE.name()) ? d.duration(DATASOURCE_CACHE.name(), null, true) : null;
            io.vigil.collect.datasource.Ec2Settings ec2 = ec2(d, type, timeout);
            List<EntitySpec> entities = new ArrayList<>();
            entities(d, "instances", EntityType.INSTANCES, entities);
            entities(d, "services", EntityType.SERVICES, entities);
            if (type == DatasourceSpec.Type.COMMAND && command == null && dflt == null)
                d.error("command", "type command needs a discovery command, or a check: {type: command, command: [...]} for its entities");
            if (type == DatasourceSpec.Type.EC2 && (d.has("instances") || d.has("services")))
                d.error("instances", "type ec2 lists its instances from DescribeInstances: declare none");
            if (type != DatasourceSpec.Type.EC2 && command == null && entities.isEmpty() && !d.has("instances") && !d.has("services"))
                d.error("instances", "declare instances or services (or use type command with a discovery command)");
            if (name != null) {
                String earlier = firstPath.putIfAbsent(name, d.path());
                if (earlier != null) c.error("datasources", "duplicate datasource name \"" + name + "\" (also " + earlier + ")");
            }
            if (name != null && (type != DatasourceSpec.Type.EC2 || ec2 != null))
                out.add(new DatasourceSpec(name, type, dflt, command, cache, entities, ec2));
        }
        return out;
    }

    /** The ec2 keys: only with type ec2, where region is required and the credentials come as a pair. */
    private static io.vigil.collect.datasource.@Nullable Ec2Settings ec2(ConfigNode d, DatasourceSpec.Type type, Duration timeout) {
        List<String> keys = List.of(DATASOURCE_REGION.name(), DATASOURCE_ENDPOINT.name(), DATASOURCE_ACCESS_KEY_ID.name(),
                DATASOURCE_SECRET_ACCESS_KEY.name(), DATASOURCE_FILTERS.name(), DATASOURCE_MASTER_TAG.name(), DATASOURCE_GROUP_TAG.name());
        if (type != DatasourceSpec.Type.EC2) {
            for (String k : keys) if (d.has(k)) d.error(k, "only for type ec2");
            return null;
        }
        String region = d.requiredString(DATASOURCE_REGION.name(), "required for type ec2: the AWS region, e.g. eu-west-1");
        String endpoint = DATASOURCE_ENDPOINT.read(d);
        String keyId = DATASOURCE_ACCESS_KEY_ID.read(d);
        String secret = DATASOURCE_SECRET_ACCESS_KEY.read(d);
        if ((keyId == null) != (secret == null))
            d.error(keyId == null ? DATASOURCE_ACCESS_KEY_ID.name() : DATASOURCE_SECRET_ACCESS_KEY.name(),
                    "accessKeyId and secretAccessKey go together (or give neither: the SDK's default credentials)");
        if (region == null) return null;
        return new io.vigil.collect.datasource.Ec2Settings(region, endpoint, keyId, secret, DATASOURCE_FILTERS.read(d),
                DATASOURCE_MASTER_TAG.read(d), DATASOURCE_GROUP_TAG.read(d), timeout);
    }

    private static void entities(ConfigNode d, String key, EntityType type, List<EntitySpec> out) {
        List<ConfigNode> items = d.list(key);
        if (items == null) return;
        Map<String, String> seen = new HashMap<>();
        for (ConfigNode e : items) {
            if (!e.requireObject()) continue;
            String name;
            String mode = null, status = null;
            if (type == EntityType.INSTANCES) {
                e.allowOnly(INSTANCES);
                name = e.requiredString("id", "required: the instance id");
            } else {
                e.allowOnly(SERVICES);
                name = e.requiredString("name", "required: the service name");
                mode = e.string("mode");
                status = e.string("status");
            }
            String ip = e.string("ip");
            String group = e.string("group");
            CheckSpec check = e.has("check") ? check(e.object("check")) : null;
            if (name != null) {
                String earlier = seen.putIfAbsent(name, e.path());
                if (earlier != null) d.error(key, "duplicate " + (type == EntityType.INSTANCES ? "id" : "name") + " \"" + name + "\" (also " + earlier + ")");
                else out.add(new EntitySpec(type, name, ip, mode, status, group, check));
            }
        }
    }

    private static @Nullable CheckSpec check(ConfigNode n) {
        n.allowOnly(CHECK);
        String type = n.has(CHECK_TYPE.name()) ? CHECK_TYPE.read(n) : null;
        if (type == null) {
            if (!n.has("type")) n.error("type", "required: one of tcp, http, command, database, none");
            return null;
        }
        Duration timeout = CHECK_TIMEOUT.read(n);
        switch (type) {
            case "tcp" -> {
                only(n, "tcp");
                return new CheckSpec.Tcp(n.integer("port", 22, 1, 65535), timeout);
            }
            case "http" -> {
                only(n, "http");
                String url = n.url("url", null);
                Integer port = n.has("port") ? n.integer("port", 80, 1, 65535) : null;
                if (url == null && !n.has("url") && port == null) port = 80;
                if (url == null && port == null) return null;
                Integer status = n.has("expectStatus") ? n.integer("expectStatus", 200, 100, 599) : null;
                return new CheckSpec.Http(url, port, n.string("path"), status, n.string("field"), n.string("expect"), timeout);
            }
            case "command" -> {
                only(n, "command");
                List<String> cmd = command(n, "command");
                if (cmd == null) {
                    if (!n.has("command")) n.error("command", "required for a command check: [program, args...]");
                    return null;
                }
                return new CheckSpec.Command(cmd, timeout);
            }
            case "database" -> {
                only(n, "database");
                String url = n.requiredString("url", "required for a database check: a JDBC URL, e.g. jdbc:postgresql://{ip}:5432/postgres");
                if (url == null) return null;
                if (!url.startsWith("jdbc:")) {
                    n.error("url", "must be a JDBC URL starting with jdbc:, e.g. jdbc:postgresql://{ip}:5432/postgres");
                    return null;
                }
                return new CheckSpec.Database(url, n.string("user"), n.string("password"), timeout);
            }
            default -> {
                only(n, "none");
                return new CheckSpec.None();
            }
        }
    }

    /** Reports keys that exist in the check mapping but do not belong to its type (declared by {@link ConfigKeys#CHECK}). */
    private static void only(ConfigNode n, String type) {
        java.util.Set<String> ok = CHECK.namesFor(type);
        for (Iterator<String> it = n.raw().fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ok.contains(k)) n.error(k, "not a key of a " + type + " check (it takes: " + String.join(", ", ok) + ")");
        }
    }

    /** A command: a list of strings, or one string split on spaces. Null (error recorded) when malformed. */
    static @Nullable List<String> command(ConfigNode n, String key) {
        JsonNode v = n.raw().get(key);
        if (v == null || v.isNull()) return null;
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            for (String part : v.asText().trim().split("\\s+")) if (!part.isEmpty()) out.add(part);
        } else if (v.isArray()) {
            for (JsonNode p : v) {
                if (!p.isValueNode() || p.isNull()) {
                    n.error(key, "must be a list of words like [./doctor.sh, --verbose] (got " + ConfigNode.describe(v) + ")");
                    return null;
                }
                out.add(p.asText());
            }
        } else {
            n.error(key, "must be a list of words like [./doctor.sh, --verbose] (got " + ConfigNode.describe(v) + ")");
            return null;
        }
        if (out.isEmpty()) {
            n.error(key, "must not be empty");
            return null;
        }
        return out;
    }

    // ------------------------------------------------------------------ workers and actions

    private static List<WorkerSpec> workers(ConfigNode root) {
        List<WorkerSpec> out = new ArrayList<>();
        List<ConfigNode> items = root.list(WORKERS.name());
        if (items == null) return out;
        for (ConfigNode w : items) {
            if (!w.requireObject()) continue;
            String type = w.has(WORKER_TYPE.name()) ? WORKER_TYPE.read(w) : null;
            if (type == null) {
                if (!w.has("type")) w.error("type", "required: one of script, webhook, kafka");
                continue;
            }
            WorkerSpec spec = switch (type) {
                case "script" -> {
                    w.allowOnly(WORKERS, type);
                    List<String> cmd = command(w, "command");
                    if (cmd == null && !w.has("command")) w.error("command", "required for type script: [program, args...]");
                    Duration timeout = WORKER_TIMEOUT.read(w);
                    yield cmd == null ? null : new WorkerSpec.Script(cmd, timeout);
                }
                case "webhook" -> {
                    w.allowOnly(WORKERS, type);
                    String url = w.url("url", "required for type webhook");
                    yield url == null ? null : new WorkerSpec.Webhook(url, WORKER_HEADERS.read(w));
                }
                default -> {
                    w.allowOnly(WORKERS, type);
                    String servers = w.requiredString("bootstrapServers", "required for type kafka: host:port[,host:port...]");
                    String topic = w.requiredString("topic", "required for type kafka");
                    yield servers == null || topic == null ? null : new WorkerSpec.Kafka(servers, topic, WORKER_PROPERTIES.read(w));
                }
            };
            if (spec != null) {
                boolean dup = out.stream().anyMatch(o -> o.sinkName().equals(spec.sinkName()));
                if (dup) w.error(null, "the same worker is configured twice");
                else out.add(spec);
            }
        }
        return out;
    }

    private static Map<String, ActionSpec> actions(ConfigNode n) {
        Map<String, ActionSpec> out = new LinkedHashMap<>();
        if (!n.raw().isObject()) return out;
        for (Iterator<String> it = n.raw().fieldNames(); it.hasNext(); ) {
            String name = it.next();
            ConfigNode a = n.object(name);
            a.allowOnly(ACTIONS);
            List<String> cmd = command(a, ACTION_COMMAND.name());
            String hook = ACTION_WEBHOOK.read(a);
            Duration timeout = ACTION_TIMEOUT.read(a);
            if (a.has("command") == a.has("webhook")) {
                a.error(null, "give exactly one of command: [program, args...] or webhook: URL");
                continue;
            }
            if (cmd != null || hook != null) out.put(name, new ActionSpec(name, cmd, hook, timeout));
        }
        return out;
    }
}
