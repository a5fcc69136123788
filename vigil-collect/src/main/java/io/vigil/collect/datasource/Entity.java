package io.vigil.collect.datasource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import java.util.Objects;

/**
 * One observation of a collected entity. Immutable.
 *
 * @param type       instances or services
 * @param name       the instance id or the service name; unique per type
 * @param ip         its address (may be null for an instance a cloud API has not given one yet)
 * @param state      {@code running} when its check passed, else what failed ({@code connection refused}, ...);
 *                   {@value #DELETED} when it disappeared from its datasource
 * @param mode       service kind (mariadb, memcache, haproxy, ...); null for instances
 * @param status     service role (master, slave, na); null for instances
 * @param code       {@value #OK} when healthy, an error code otherwise (see docs/collect.md)
 * @param timeMillis when it was observed
 * @param datasource the datasource that produced it
 * @param group      an optional group name (for the {@code group} filter and actions)
 * @param cloud      what a cloud datasource knows of an instance (clmgr's {@code return.cloud}), or null
 */
public record Entity(EntityType type, String name, String ip, String state, String mode, String status, String code,
                     long timeMillis, String datasource, String group, CloudInfo cloud) {
    public static final String OK = "000000";
    public static final String RUNNING = "running";
    public static final String DELETED = "deleted";

    public Entity {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }

    /** An entity no cloud datasource describes. */
    public Entity(EntityType type, String name, String ip, String state, String mode, String status, String code,
                  long timeMillis, String datasource, String group) {
        this(type, name, ip, state, mode, status, code, timeMillis, datasource, group, null);
    }

    /** The identity of the entity across observations: {@code type/name}. */
    public String key() {
        return type.wire() + "/" + name;
    }

    public boolean deleted() {
        return DELETED.equals(state);
    }

    public Entity withState(String newState, String newCode, long when) {
        return new Entity(type, name, ip, newState, mode, status, newCode, when, datasource, group, cloud);
    }

    public Entity withStatus(String newStatus) {
        return new Entity(type, name, ip, state, mode, newStatus, code, timeMillis, datasource, group, cloud);
    }

    /** True when state, code, status or ip differ: what the diff reports. */
    public boolean differsFrom(Entity other) {
        return other == null || !state.equals(other.state) || !Objects.equals(code, other.code)
                || !Objects.equals(status, other.status) || !Objects.equals(ip, other.ip);
    }

    /** The RPC and journal form: every field, {@code time} in epoch milliseconds. */
    public ObjectNode toJson() {
        ObjectNode n = CollectJson.object();
        n.put("type", type.wire());
        n.put("name", name);
        n.put("ip", ip);
        n.put("state", state);
        if (mode != null) n.put("mode", mode);
        if (status != null) n.put("status", status);
        n.put("code", code);
        n.put("time", timeMillis);
        n.put("datasource", datasource);
        if (group != null) n.put("group", group);
        if (cloud != null) n.set("cloud", cloud.toJson());
        return n;
    }

    /** Reads {@link #toJson()}'s form; rejects a missing type, name or state with an {@link IllegalArgumentException}. */
    public static Entity fromJson(JsonNode n) {
        EntityType type = EntityType.parse(n.path("type").asText(null));
        if (type == null) throw new IllegalArgumentException("entity without a valid type (instances|services): " + n);
        String name = text(n, "name");
        String state = text(n, "state");
        if (name == null || state == null) throw new IllegalArgumentException("entity without name or state: " + n);
        return new Entity(type, name, text(n, "ip"), state, text(n, "mode"), text(n, "status"), text(n, "code"),
                n.path("time").asLong(0), text(n, "datasource"), text(n, "group"), CloudInfo.fromJson(n.get("cloud")));
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
