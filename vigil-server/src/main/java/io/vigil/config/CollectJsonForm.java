package io.vigil.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectSettings;
import io.vigil.collect.EventQueueSpec;
import io.vigil.collect.action.ActionSpec;
import io.vigil.collect.datasource.CheckSpec;
import io.vigil.collect.datasource.DatasourceSpec;
import io.vigil.collect.datasource.EntitySpec;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.worker.WorkerSpec;
import java.time.Duration;
import java.util.List;

/** The normalized JSON of the pull side's sections, for {@link ConfigJson}: loads back to an equal configuration. */
final class CollectJsonForm {
    private CollectJsonForm() {
    }

    static void write(ObjectNode root, CollectSettings s, boolean revealSecrets) {
        ObjectNode c = root.putObject("collect");
        c.put("changesInterval", DurationSyntax.format(s.changesInterval()));
        c.put("allInterval", DurationSyntax.format(s.allInterval()));
        c.put("callTimeout", DurationSyntax.format(s.callTimeout()));
        strings(c.putArray("collectors"), s.collectors());
        switch (s.eventQueue()) {
            case EventQueueSpec.None n -> c.put("eventQueue", "none");
            case EventQueueSpec.Store st -> c.put("eventQueue", "store");
            case EventQueueSpec.Kafka k -> {
                ObjectNode q = c.putObject("eventQueue").put("type", "kafka").put("bootstrapServers", k.bootstrapServers())
                        .put("topic", k.topic());
                ObjectNode props = q.putObject("properties");
                k.properties().forEach(props::put);
            }
        }
        ArrayNode ds = c.putArray("datasources");
        for (DatasourceSpec d : s.datasources()) {
            ObjectNode n = ds.addObject();
            n.put("name", d.name());
            n.put("type", d.type().wire());
            if (d.check() != null) check(n.putObject("check"), d.check(), revealSecrets);
            if (d.command() != null) strings(n.putArray("command"), d.command());
            if (d.cacheTtl() != null) n.put("cache", DurationSyntax.format(d.cacheTtl()));
            if (d.ec2() != null) {
                var e = d.ec2();
                n.put("region", e.region());
                if (e.endpoint() != null) n.put("endpoint", e.endpoint());
                if (e.accessKeyId() != null) n.put("accessKeyId", e.accessKeyId());
                if (e.secretAccessKey() != null) n.put("secretAccessKey", revealSecrets ? e.secretAccessKey() : io.vigil.secret.Secrets.MASK);
                ObjectNode f = n.putObject("filters");
                e.filters().forEach(f::put);
                n.put("masterTag", e.masterTag());
                n.put("groupTag", e.groupTag());
                n.put("timeout", DurationSyntax.format(e.timeout()));
                continue; // no declared entities (and no default check) for ec2
            }
            ArrayNode instances = n.putArray("instances");
            ArrayNode services = n.putArray("services");
            for (EntitySpec e : d.entities()) {
                ObjectNode en = (e.type() == EntityType.INSTANCES ? instances : services).addObject();
                en.put(e.type() == EntityType.INSTANCES ? "id" : "name", e.name());
                en.put("ip", e.ip());
                if (e.type() == EntityType.SERVICES) {
                    en.put("mode", e.mode());
                    en.put("status", e.status());
                }
                en.put("group", e.group());
                if (e.check() != null) check(en.putObject("check"), e.check(), revealSecrets);
            }
        }
        ArrayNode workers = root.putArray("workers");
        for (WorkerSpec w : s.workers()) {
            ObjectNode n = workers.addObject();
            switch (w) {
                case WorkerSpec.Script x -> {
                    n.put("type", "script");
                    strings(n.putArray("command"), x.command());
                    n.put("timeout", DurationSyntax.format(x.timeout()));
                }
                case WorkerSpec.Webhook x -> {
                    n.put("type", "webhook");
                    n.put("url", ConfigJson.url(x.url(), revealSecrets));
                    ConfigJson.strings(n, "headers", x.headers(), revealSecrets);
                }
                case WorkerSpec.Kafka x -> {
                    n.put("type", "kafka");
                    n.put("bootstrapServers", x.bootstrapServers());
                    n.put("topic", x.topic());
                    ConfigJson.strings(n, "properties", x.properties(), revealSecrets);
                }
            }
        }
        ObjectNode actions = root.putObject("actions");
        for (ActionSpec a : s.actions().values()) {
            ObjectNode n = actions.putObject(a.name());
            if (a.command() != null) strings(n.putArray("command"), a.command());
            else n.put("webhook", ConfigJson.url(a.webhook(), revealSecrets));
            n.put("timeout", DurationSyntax.format(a.timeout()));
        }
    }

    private static void check(ObjectNode n, CheckSpec c, boolean revealSecrets) {
        switch (c) {
            case CheckSpec.Tcp t -> {
                n.put("type", "tcp");
                n.put("port", t.port());
                timeout(n, t.timeout());
            }
            case CheckSpec.Http h -> {
                n.put("type", "http");
                if (h.url() != null) n.put("url", ConfigJson.url(h.url(), revealSecrets));
                if (h.port() != null) n.put("port", h.port());
                n.put("path", h.path());
                if (h.expectStatus() != null) n.put("expectStatus", h.expectStatus());
                if (h.field() != null) {
                    n.put("field", h.field());
                    n.put("expect", h.expect());
                }
                timeout(n, h.timeout());
            }
            case CheckSpec.Command x -> {
                n.put("type", "command");
                strings(n.putArray("command"), x.command());
                timeout(n, x.timeout());
            }
            case CheckSpec.Database d -> {
                n.put("type", "database");
                n.put("url", d.url());
                if (d.user() != null) n.put("user", d.user());
                if (d.password() != null) n.put("password", revealSecrets ? d.password() : ConfigJson.MASK);
                timeout(n, d.timeout());
            }
            case CheckSpec.None x -> n.put("type", "none");
        }
    }

    private static void timeout(ObjectNode n, Duration d) {
        n.put("timeout", DurationSyntax.format(d));
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
