package io.vigil.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vigil.config.DurationSyntax;
import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.LivenessState;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.store.deadletter.DeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies of {@link CoreApi}'s answers as records: Jackson writes a record's components in declaration order, so
 * each record is the field list of its JSON object (names, order and types are part of the API: docs/api.md and the
 * OpenAPI document).
 */
final class CoreBodies {
    private CoreBodies() {
    }

    /** {@code GET /readyz}. */
    record Ready(String status, boolean storeHealthy, boolean active, String role) {
        static Ready of(boolean ready, boolean storeHealthy, boolean active) {
            return new Ready(ready ? "READY" : "NOT_READY", storeHealthy, active, active ? "ACTIVE" : "STANDBY");
        }
    }

    /** {@code GET /api/v1/monitors}. */
    record Monitors(List<MonitorBody> monitors) {
    }

    /**
     * One monitor with its source counts by state.
     *
     * @param sources     per state (lower case) and {@code total}
     * @param sourceCount ONAP's source count per eventName (vnf_table_1): the total again
     */
    record MonitorBody(String eventName, String heartbeatInterval, long heartbeatIntervalMillis, int missedHeartbeats,
                       long thresholdMillis, String timeBase, ClosedLoopBody closedLoop, Map<String, Long> sources,
                       long sourceCount) {
        static MonitorBody of(Monitor m, Map<LivenessState, Long> counts) {
            Map<String, Long> sources = new LinkedHashMap<>();
            long total = 0;
            for (LivenessState st : LivenessState.values()) {
                long k = counts.getOrDefault(st, 0L);
                sources.put(st.name().toLowerCase(Locale.ROOT), k);
                total += k;
            }
            sources.put("total", total);
            return new MonitorBody(m.eventName(), DurationSyntax.format(m.heartbeatInterval()), m.heartbeatInterval().toMillis(),
                    m.missedHeartbeats(), m.thresholdMillis(), m.timeBase().name().toLowerCase(Locale.ROOT),
                    ClosedLoopBody.of(m.closedLoop()), sources, total);
        }
    }

    /** A monitor's closed-loop fields, as in its control-loop events. */
    record ClosedLoopBody(String controlName, String policyName, String policyVersion, String policyScope, String targetType,
                          String target, String version) {
        static ClosedLoopBody of(ClosedLoop c) {
            return new ClosedLoopBody(c.controlName(), c.policyName(), c.policyVersion(), c.policyScope(),
                    c.targetType().name(), c.target(), c.version());
        }
    }

    /** {@code GET /api/v1/events}. */
    record Events(int count, List<Event> events) {
        static Events of(List<OutboxRecord> records) {
            List<Event> events = new ArrayList<>(records.size());
            for (OutboxRecord r : records) events.add(Event.of(r));
            return new Events(events.size(), events);
        }
    }

    /**
     * One outbox row.
     *
     * @param payload the event as its sinks receive it (a JSON value; the stored text when it is not JSON)
     */
    record Event(long seq, String eventId, String kind, String eventName, String sourceName, String time, long timeMillis,
                 JsonNode payload) {
        static Event of(OutboxRecord r) {
            JsonNode payload;
            try {
                payload = Json.MAPPER.readTree(r.payload());
            } catch (Exception e) {
                payload = TextNode.valueOf(r.payload());
            }
            return new Event(r.seq(), r.eventId(), r.kind(), r.eventName(), r.sourceName(),
                    Instant.ofEpochMilli(r.createdAtMillis()).toString(), r.createdAtMillis(), payload);
        }
    }

    /** {@code GET /api/v1/dead-letters}: newest first. */
    record DeadLetters(List<DeadLetterBody> deadLetters, int count) {
        static DeadLetters of(List<DeadLetter> rows) {
            List<DeadLetterBody> out = new ArrayList<>(rows.size());
            for (DeadLetter d : rows) {
                out.add(new DeadLetterBody(d.seq(), d.kind(), d.key(), d.error(),
                        Instant.ofEpochMilli(d.createdAtMillis()).toString(), d.payload()));
            }
            return new DeadLetters(out, out.size());
        }
    }

    /** One row of the dead-letter table. */
    record DeadLetterBody(long seq, String kind, String key, String error, String time, String payload) {
    }

    /** {@code GET /healthz}. */
    record Health(String status) {
    }

    /** {@code POST /api/v1/config/reload} when applied: what changed, and the keys whose change waits for a restart. */
    record Reloaded(String state, boolean applied, Changes changes) {
    }

    /** The monitors added, removed and changed by a reload (eventNames), and the keys that need a restart. */
    record Changes(List<String> added, List<String> removed, List<String> changed, List<String> restartNeeded) {
    }

    /** {@code POST /api/v1/config/reload} when the new configuration is invalid: the error shape with every error. */
    record InvalidConfig(String error, String code, List<PathReason> errors) {
    }

    /** One configuration error: the key path and the reason. */
    record PathReason(String path, String reason) {
    }
}
