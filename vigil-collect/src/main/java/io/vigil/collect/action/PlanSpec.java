package io.vigil.collect.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.EntityType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An action queue: steps run one after the other. Each step runs a named action and is done when its action succeeded
 * and its expected state has been observed by the heartbeat; a step whose expected state already holds is skipped.
 * A failed step (action failed, or the state not seen within {@code timeout}) is retried after {@code backoff}
 * (doubling) up to {@code retries} times, then the plan stops.
 *
 * <p>JSON (and YAML) form: {@code {"name","steps":[{"name","action","group","level","expect":{"type","name","ip","state"},
 * "timeout":"30s","retries":2,"backoff":"1s"}]}}.
 */
public record PlanSpec(String name, List<Step> steps) {

    /** The state a step waits for: the entity of that type with that name (or ip) in that state. */
    public record Expect(EntityType type, String name, String ip, String state) {
        public Expect {
            Objects.requireNonNull(type, "type");
            if (name == null && ip == null) throw new IllegalArgumentException("expect needs name or ip");
            if (state == null) state = "running";
        }
    }

    /** One step. {@code expect} null: done as soon as its action succeeded. */
    public record Step(String name, String action, String group, String level, Expect expect, Duration timeout,
                       int retries, Duration backoff) {
        public Step {
            Objects.requireNonNull(name, "name");
            if (action == null && expect == null) throw new IllegalArgumentException("step " + name + " needs an action or an expect");
            if (timeout == null) timeout = Duration.ofSeconds(60);
            if (backoff == null) backoff = Duration.ofSeconds(1);
            if (retries < 0) throw new IllegalArgumentException("retries must be >= 0");
        }
    }

    public PlanSpec {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) throw new IllegalArgumentException("a plan needs at least one step");
    }

    public static PlanSpec fromJson(JsonNode n) {
        if (!n.isObject()) throw new IllegalArgumentException("a plan must be an object {\"name\",\"steps\":[...]}");
        String name = n.path("name").asText(null);
        if (name == null || name.isBlank()) throw new IllegalArgumentException("plan name is required");
        if (!n.path("steps").isArray()) throw new IllegalArgumentException("plan steps must be a list");
        List<Step> steps = new ArrayList<>();
        int i = 0;
        for (JsonNode s : n.path("steps")) {
            String where = "steps[" + i++ + "]";
            if (!s.isObject()) throw new IllegalArgumentException(where + " must be an object");
            Expect expect = null;
            if (s.hasNonNull("expect")) {
                JsonNode e = s.get("expect");
                EntityType type = EntityType.parse(e.path("type").asText("instances"));
                if (type == null) throw new IllegalArgumentException(where + ".expect.type must be instances or services");
                try {
                    expect = new Expect(type, e.path("name").asText(null), e.path("ip").asText(null), e.path("state").asText(null));
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException(where + ".expect: " + x.getMessage());
                }
            }
            try {
                steps.add(new Step(s.path("name").asText(where), s.path("action").asText(null), s.path("group").asText(null),
                        s.path("level").asText(null), expect, duration(s, "timeout", where), s.path("retries").asInt(2),
                        duration(s, "backoff", where)));
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(where + ": " + x.getMessage());
            }
        }
        return new PlanSpec(name, steps);
    }

    /** {@code 500ms}, {@code 2s}, {@code 5m}, or a bare number of seconds. */
    static Duration duration(JsonNode s, String key, String where) {
        JsonNode v = s.get(key);
        if (v == null || v.isNull()) return null;
        String t = v.asText().trim();
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            if (t.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            if (t.endsWith("m")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "." + key + " must be a duration like 500ms, 2s, 5m (got \"" + t + "\")");
        }
    }

    public ObjectNode toJson() {
        ObjectNode n = CollectJson.object();
        n.put("name", name);
        ArrayNode arr = n.putArray("steps");
        for (Step s : steps) {
            ObjectNode o = arr.addObject();
            o.put("name", s.name());
            o.put("action", s.action());
            o.put("group", s.group());
            o.put("level", s.level());
            if (s.expect() != null) {
                o.putObject("expect").put("type", s.expect().type().wire()).put("name", s.expect().name())
                        .put("ip", s.expect().ip()).put("state", s.expect().state());
            }
            o.put("timeout", s.timeout().toMillis() + "ms");
            o.put("retries", s.retries());
            o.put("backoff", s.backoff().toMillis() + "ms");
        }
        return n;
    }
}
