package io.vigil.collect.datasource;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.process.ExternalCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A datasource whose entities come from a command (a stand-in for a cloud API such as {@code openstack server list}).
 * The command prints {@code {"instances":[{"id","ip","state"}],"services":[{"name","ip","mode","state","status","code"}]}}
 * (or a list of entities with {@code type}); a missing state is {@code running}, a missing code is {@code 000000}
 * when the state is running and {@code 100003} otherwise. A non-zero exit or unreadable output fails the whole
 * collection (the entities are not reported deleted). Thread-safe.
 */
public final class DiscoveryDatasource implements Datasource {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final DatasourceSpec spec;
    private final CheckRunner runner;

    public DiscoveryDatasource(DatasourceSpec spec, CheckRunner runner) {
        this.spec = spec;
        this.runner = runner;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public CompletionStage<List<Entity>> collect() {
        return runner.runCommand(spec.command(), TIMEOUT).map(this::parse).toCompletionStage();
    }

    private List<Entity> parse(ExternalCommand.Outcome o) {
        if (!o.succeeded()) throw new IllegalStateException("discovery command of datasource " + spec.name() + " failed: " + o.describe());
        JsonNode root = CollectJson.read(o.stdout());
        long now = runner.clock().millis();
        List<Entity> out = new ArrayList<>();
        if (root.isArray()) {
            for (JsonNode n : root) out.add(entity(n, EntityType.parse(n.path("type").asText(null)), now));
        } else {
            for (JsonNode n : root.path("instances")) out.add(entity(n, EntityType.INSTANCES, now));
            for (JsonNode n : root.path("services")) out.add(entity(n, EntityType.SERVICES, now));
        }
        return out;
    }

    private Entity entity(JsonNode n, EntityType type, long now) {
        if (type == null) throw new IllegalArgumentException("entity without type instances|services: " + n);
        String name = n.hasNonNull("id") ? n.get("id").asText() : n.path("name").asText(null);
        if (name == null) throw new IllegalArgumentException("entity without id or name: " + n);
        String state = n.path("state").asText(Entity.RUNNING);
        String code = n.hasNonNull("code") ? n.get("code").asText()
                : Entity.RUNNING.equalsIgnoreCase(state) ? Entity.OK : StatusCodes.NETWORK_ERROR;
        String status = n.hasNonNull("status") ? n.get("status").asText() : type == EntityType.SERVICES ? "na" : null;
        return new Entity(type, name, n.path("ip").asText(null), state, n.path("mode").asText(null), status, code, now,
                spec.name(), n.path("group").asText(null));
    }
}
