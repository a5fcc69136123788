package io.vigil.collect.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.EntityType;
import java.util.UUID;

/**
 * A rule that waits for a status event and then runs an action once:
 * {@code {"event_ip","event_type","event_state","do_action","do_group","do_level"}}. It matches a change whose ip,
 * type ({@code instances}/{@code services}, or a service mode) and new state equal its own (case-insensitive; an
 * absent field matches anything), then runs the named action {@code do_action} on {@code do_group} at
 * {@code do_level} and is removed.
 */
public record DelayedAction(String id, String eventIp, String eventType, String eventState, String doAction,
                            String doGroup, String doLevel, long createdAtMillis) {

    /** Reads the API form; a missing {@code do_action} or a form without any event field is rejected. */
    public static DelayedAction fromJson(JsonNode n, long now) {
        if (!n.isObject()) throw new IllegalArgumentException("a delayed action must be an object, got " + n);
        String action = text(n, "do_action");
        if (action == null) throw new IllegalArgumentException("do_action is required (the name of an action in the config's actions)");
        String ip = text(n, "event_ip"), type = text(n, "event_type"), state = text(n, "event_state");
        if (ip == null && type == null && state == null)
            throw new IllegalArgumentException("give at least one of event_ip, event_type, event_state (the event to wait for)");
        String id = text(n, "id");
        return new DelayedAction(id != null ? id : UUID.randomUUID().toString(), ip, type, state, action,
                text(n, "do_group"), text(n, "do_level"), now);
    }

    /** True when the change event (worker JSON form) matches this rule. */
    public boolean matches(JsonNode event) {
        if (eventIp != null && !eventIp.equals(event.path("ip").asText(null))) return false;
        if (eventState != null && !eventState.equalsIgnoreCase(event.path("state").asText(""))) return false;
        if (eventType != null) {
            String type = event.path("type").asText("");
            EntityType wanted = EntityType.parse(eventType);
            boolean typeOk = wanted != null ? wanted.wire().equals(type) : eventType.equalsIgnoreCase(event.path("mode").asText(""));
            if (!typeOk) return false;
        }
        return true;
    }

    public ObjectNode toJson() {
        ObjectNode n = CollectJson.object();
        n.put("id", id);
        n.put("event_ip", eventIp);
        n.put("event_type", eventType);
        n.put("event_state", eventState);
        n.put("do_action", doAction);
        n.put("do_group", doGroup);
        n.put("do_level", doLevel);
        n.put("created_at", createdAtMillis);
        return n;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
