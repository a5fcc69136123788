package io.vigil.collect.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.datasource.EntityType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The clmgr command forms and document shape, checked field by field against examples/clmgr. */
class CollectCommandTest {
    static final long T = Instant.parse("2026-12-06T22:40:05Z").toEpochMilli();
    static final long SEEN = T - 1000;
    static final List<Entity> ENTITIES = List.of(
            new Entity(EntityType.INSTANCES, "i-830dcde4", "10.0.0.5", "running", null, null, "000000", SEEN, "local", null,
                    new io.vigil.collect.datasource.CloudInfo("ec2", "eu-west-1", "eu-west-1a", "t3.medium", "vpc-0a1b2c3d",
                            "subnet-0a1b2c3d", List.of("sg-0db5e1f2", "sg-0ssh1234"), "ami-0c55b159cbfafe1f0", "52.18.40.7", null)),
            new Entity(EntityType.INSTANCES, "i-2", "10.0.0.9", "connection refused", null, null, "100001", SEEN, "local", null),
            new Entity(EntityType.SERVICES, "node10", "10.0.0.5", "running", "mariadb", "master", "000000", SEEN, "local", null),
            new Entity(EntityType.SERVICES, "node11", "10.0.0.6", "database communication failure", "mariadb", "slave", "ER0003", SEEN, "local", null),
            new Entity(EntityType.SERVICES, "lb", "10.0.0.9", "running", "haproxy", "na", "000000", SEEN, "edge", null));

    private static CollectCommand parse(String json) {
        return CollectCommand.parse(CollectJson.read(json));
    }

    private static JsonNode example() throws Exception {
        Path p = Path.of("..", "examples", "clmgr", "heartbeat-instances.json");
        return CollectJson.read(Files.readString(p));
    }

    @Test
    void everyActionAtBothLevelsParsesWithGroupAndType() {
        for (String action : List.of("heartbeat", "ping", "status")) {
            for (String level : List.of("instances", "services")) {
                CollectCommand c = parse("{\"level\":\"" + level + "\",\"command\":{\"action\":\"" + action + "\",\"group\":\"all\",\"type\":\"db\"}}");
                assertThat(c.action().name().toLowerCase()).isEqualTo(action);
                assertThat(c.level().name().toLowerCase()).isEqualTo(level);
                assertThat(c.type()).isEqualTo("db");
                assertThat(c.collectFirst()).isEqualTo(action.equals("ping"));
            }
        }
    }

    @Test
    void aBadCommandNamesWhatIsWrong() {
        assertThatThrownBy(() -> parse("{\"level\":\"nope\",\"command\":{\"action\":\"ping\"}}")).hasMessageContaining("unknown level \"nope\"");
        assertThatThrownBy(() -> parse("{\"level\":\"instances\",\"command\":{\"action\":\"reboot\"}}"))
                .hasMessageContaining("unknown command.action \"reboot\"").hasMessageContaining("heartbeat, ping, status");
        assertThatThrownBy(() -> parse("{\"level\":\"instances\",\"command\":{\"action\":\"ping\",\"grup\":\"x\"}}"))
                .hasMessageContaining("command.grup");
        assertThatThrownBy(() -> parse("{\"level\":\"instances\",\"command\":{\"action\":\"ping\"},\"format\":\"xml\"}"))
                .hasMessageContaining("format");
    }

    @Test
    void pingOfDatabaseInstancesKeepsTheInstancesThatHostADatabase() {
        ObjectNode doc = parse("{\"level\":\"instances\",\"command\":{\"action\":\"ping\",\"group\":\"all\",\"type\":\"db\"}}")
                .answer(ENTITIES, T, 7);
        assertThat(doc.path("action").asText()).isEqualTo("ping");
        assertThat(doc.path("instances").findValuesAsText("id")).containsExactly("i-830dcde4");
    }

    @Test
    void statusOfServicesFiltersByTypeAndGroup() {
        ObjectNode db = parse("{\"level\":\"services\",\"command\":{\"action\":\"status\",\"group\":\"local\",\"type\":\"db\"}}").answer(ENTITIES, T, 7);
        assertThat(db.path("services").findValuesAsText("name")).containsExactly("node10", "node11");
        assertThat(db.path("services").get(1).path("code").asText()).isEqualTo("ER0003");
        ObjectNode all = parse("{\"level\":\"services\",\"command\":{\"action\":\"status\",\"group\":\"all\",\"type\":\"all\"}}").answer(ENTITIES, T, 7);
        assertThat(all.path("services").findValuesAsText("name")).containsExactly("node10", "node11", "lb");
        assertThat(all.has("instances")).isFalse();
    }

    @Test
    void heartbeatAtLevelServicesLeavesTheInstancesOut() {
        ObjectNode doc = parse("{\"level\":\"services\",\"command\":{\"action\":\"heartbeat\",\"group\":\"all\",\"type\":\"all\"}}").answer(ENTITIES, T, 7);
        assertThat(doc.path("instances_status").path("instances")).isEmpty();
        assertThat(doc.path("services_status").path("services")).hasSize(3);
    }

    @Test
    void clmgrShapeMatchesTheExampleFieldByField() throws Exception {
        JsonNode example = example();
        ObjectNode doc = parse("{\"level\":\"instances\",\"command\":{\"action\":\"heartbeat\",\"group\":\"local\",\"type\":\"all\"},\"format\":\"clmgr\"}")
                .answer(ENTITIES, T, 7);
        assertThat(fieldNames(doc)).containsExactlyElementsOf(fieldNames(example));
        assertThat(doc.path("command").asText()).isEqualTo("heartbeat");
        assertThat(doc.path("level").asText()).isEqualTo("instances");
        assertThat(doc.path("time").asText()).isEqualTo(example.path("time").asText());
        assertThat(fieldNames(doc.path("host"))).containsExactlyElementsOf(fieldNames(example.path("host")));
        assertThat(doc.path("host").path("interfaces")).isNotEmpty().allSatisfy(nic -> {
            JsonNode v = nic.elements().next();
            assertThat(fieldNames(v)).containsExactly("IP", "STATE");
            assertThat(v.path("STATE").asText()).isIn("UP", "DOWN");
        });
        assertThat(doc.path("host").path("interfaces").toString()).contains("\"lo\"");
        assertThat(fieldNames(doc.path("host").path("ram"))).containsExactlyElementsOf(fieldNames(example.path("host").path("ram")));
        assertThat(doc.path("host").path("ram").path("total").asLong()).isPositive();

        JsonNode instance = doc.path("return").path("instances").get(0);
        JsonNode exampleInstance = example.path("return").path("instances").get(0);
        assertThat(fieldNames(instance)).containsExactly("i-830dcde4");
        assertThat(instance.path("i-830dcde4")).isEqualTo(exampleInstance.path("i-830dcde4"));
        assertThat(doc.path("return").path("services").get(0)).isEqualTo(example.path("return").path("services").get(0));
        assertThat(doc.path("return").path("services").get(1)).isEqualTo(example.path("return").path("services").get(1));
        // the provider block of the instance an ec2 datasource describes (no credential in it: CloudInfo holds none)
        assertThat(fieldNames(doc.path("return"))).containsExactlyElementsOf(fieldNames(example.path("return")));
        assertThat(doc.path("return").path("cloud")).hasSize(1);
        JsonNode cloud = doc.path("return").path("cloud").get(0).path("i-830dcde4");
        JsonNode exampleCloud = example.path("return").path("cloud").get(0).path("i-830dcde4");
        assertThat(fieldNames(cloud)).containsExactlyElementsOf(fieldNames(exampleCloud));
        for (String field : fieldNames(exampleCloud)) assertThat(cloud.path(field)).as(field).isEqualTo(exampleCloud.path(field));
        // codes are clmgr's: the refused instance is ER0001
        assertThat(doc.path("return").path("instances").toString()).contains("\"code\":\"ER0001\"");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
