package io.vigil.collect.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code get_all} or {@code get_changes}.
 *
 * @param collector         id of the collector that answered
 * @param rpc               {@code get_all} or {@code get_changes}
 * @param collectedAtMillis when the collection started
 * @param datasources       the datasources read successfully; for get_all, their entities are complete (an entity of
 *                          one of them that is absent was deleted)
 * @param entities          get_all: every entity of those datasources; get_changes: only what changed since the
 *                          collector's previous call, disappeared entities with state {@code deleted}
 * @param errors            datasource name to why it could not be read; its entities are not in the answer
 */
public record RpcResult(String collector, String rpc, long collectedAtMillis, List<String> datasources,
                        List<Entity> entities, Map<String, String> errors) {
    public static final String GET_ALL = "get_all";
    public static final String GET_CHANGES = "get_changes";

    public RpcResult {
        datasources = List.copyOf(datasources);
        entities = List.copyOf(entities);
        errors = Map.copyOf(errors);
    }

    public boolean isAll() {
        return GET_ALL.equals(rpc);
    }

    public ObjectNode toJson() {
        ObjectNode n = CollectJson.object();
        n.put("collector", collector);
        n.put("rpc", rpc);
        n.put("time", collectedAtMillis);
        ArrayNode ds = n.putArray("datasources");
        datasources.forEach(ds::add);
        ArrayNode es = n.putArray("entities");
        for (Entity e : entities) es.add(e.toJson());
        ObjectNode err = n.putObject("errors");
        errors.forEach(err::put);
        return n;
    }

    public static RpcResult fromJson(JsonNode n) {
        List<String> ds = new ArrayList<>();
        n.path("datasources").forEach(d -> ds.add(d.asText()));
        List<Entity> es = new ArrayList<>();
        n.path("entities").forEach(e -> es.add(Entity.fromJson(e)));
        Map<String, String> errors = new LinkedHashMap<>();
        n.path("errors").properties().forEach(en -> errors.put(en.getKey(), en.getValue().asText()));
        return new RpcResult(n.path("collector").asText(""), n.path("rpc").asText(GET_CHANGES), n.path("time").asLong(),
                ds, es, errors);
    }
}
