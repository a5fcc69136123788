package io.vigil.collect.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.datasource.EntityType;

/**
 * A status difference of one entity between two rounds: the change event workers receive.
 * {@code previous == null} means the entity is new; {@code current.deleted()} means it disappeared.
 *
 * @param previous the entity before (null when it is new)
 * @param current  the entity now
 */
public record StatusChange(Entity previous, Entity current) {

    public EntityType type() {
        return current.type();
    }

    public String name() {
        return current.name();
    }

    public String ip() {
        return current.ip() != null ? current.ip() : previous == null ? null : previous.ip();
    }

    public String state() {
        return current.state();
    }

    /**
     * The worker JSON: {@code ip, name, type, previous_state, state, previous_code, code}, plus {@code mode},
     * {@code previous_status}, {@code status} for services, the datasource and the observation {@code time} (ms).
     */
    public ObjectNode toJson() {
        ObjectNode n = CollectJson.object();
        n.put("ip", ip());
        n.put("name", current.name());
        n.put("type", current.type().wire());
        n.put("previous_state", previous == null ? null : previous.state());
        n.put("state", current.state());
        n.put("previous_code", previous == null ? null : previous.code());
        n.put("code", current.code());
        if (current.type() == EntityType.SERVICES) {
            n.put("mode", current.mode() != null ? current.mode() : previous == null ? null : previous.mode());
            n.put("previous_status", previous == null ? null : previous.status());
            n.put("status", current.status());
        }
        n.put("datasource", current.datasource());
        n.put("time", current.timeMillis());
        return n;
    }
}
