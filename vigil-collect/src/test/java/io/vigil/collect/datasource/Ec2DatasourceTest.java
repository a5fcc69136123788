package io.vigil.collect.datasource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.vigil.time.ManualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ec2 datasource through the real AWS SDK against a local stand-in of the EC2 query API (a form-encoded POST
 * answered with DescribeInstancesResponse XML): lifecycle states, cloud details, paging, filters, the cache that saves
 * paid calls, and a failing API.
 */
class Ec2DatasourceTest {
    private HttpServer api;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failWith = new AtomicInteger();

    @BeforeEach
    void startStandIn() throws Exception {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        api.createContext("/", ex -> {
            try (ex) {
                Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                requests.add(form);
                int status = failWith.get();
                if (status != 0) {
                    byte[] body = ("<Response><Errors><Error><Code>Unavailable</Code><Message>down</Message></Error></Errors>"
                            + "<RequestID>r</RequestID></Response>").getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(status, body.length);
                    ex.getResponseBody().write(body);
                    return;
                }
                String xml = form.get("NextToken") == null ? page1() : page2();
                byte[] body = xml.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop(0);
    }

    private Ec2Settings settings() {
        return new Ec2Settings("eu-west-1", "http://127.0.0.1:" + api.getAddress().getPort(), "AKIDEXAMPLE", "s3cr3t-key",
                Map.of("tag:cluster", "db"), null, null, Duration.ofSeconds(10));
    }

    @Test
    void instancesCarryTheirLifecycleAndCloudDetailsOverEveryPage() throws Exception {
        ManualClock clock = new ManualClock(1_000_000);
        List<Entity> entities = new Ec2Datasource("aws", settings(), clock).collect().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(entities).extracting(Entity::name, Entity::state, Entity::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple("i-830dcde4", "running", "000000"),
                org.assertj.core.groups.Tuple.tuple("i-1pending", "pending", "400001"),
                org.assertj.core.groups.Tuple.tuple("i-2stopping", "stopping", "400002"),
                org.assertj.core.groups.Tuple.tuple("i-3stopped", "stopped", "400003")); // i-4terminated: left out
        Entity db = entities.getFirst();
        assertThat(db.type()).isEqualTo(EntityType.INSTANCES);
        assertThat(db.ip()).isEqualTo("10.0.0.5");
        assertThat(db.group()).isEqualTo("db");
        assertThat(db.datasource()).isEqualTo("aws");
        assertThat(db.timeMillis()).isEqualTo(1_000_000);
        assertThat(db.cloud()).isEqualTo(new CloudInfo("ec2", "eu-west-1", "eu-west-1a", "t3.medium", "vpc-0a1b2c3d",
                "subnet-0a1b2c3d", List.of("sg-0db5e1f2", "sg-0ssh1234"), "ami-0c55b159cbfafe1f0", "52.18.40.7", "master"));
        assertThat(entities.get(1).cloud().elasticIp()).as("a public IP from Amazon's pool is no Elastic IP").isNull();
        assertThat(StatusCodes.clmgr(entities.get(3).code())).isEqualTo("ER0006");
        // the RPC form carries the cloud details and no credential
        assertThat(Entity.fromJson(db.toJson())).isEqualTo(db);
        assertThat(db.toJson().toString()).doesNotContain("s3cr3t-key").doesNotContain("AKIDEXAMPLE");

        assertThat(requests).hasSize(2); // two pages
        assertThat(requests.getFirst()).containsEntry("Action", "DescribeInstances")
                .containsEntry("Filter.1.Name", "tag:cluster").containsEntry("Filter.1.Value.1", "db");
        assertThat(requests.get(1)).containsEntry("NextToken", "page-2");
    }

    @Test
    void theCacheSavesPaidCallsUntilItsTtlEnds() throws Exception {
        ManualClock clock = new ManualClock(1_000_000);
        DatasourceSpec spec = new DatasourceSpec("aws", DatasourceSpec.Type.EC2, null, null, null, List.of(), settings());
        Datasource d = Datasources.build(List.of(spec), null, clock).get("aws");
        assertThat(d).isInstanceOf(CachedDatasource.class); // ec2 is cached by default (60s)
        d.collect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        d.collect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(requests).hasSize(2); // one call (two pages)
        clock.advance(Ec2Settings.DEFAULT_CACHE.plusSeconds(1));
        d.collect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(requests).hasSize(4);
    }

    @Test
    void aFailingApiFailsTheCollectionSoNothingIsDeleted() {
        failWith.set(400);
        assertThatThrownBy(() -> new Ec2Datasource("aws", settings(), new ManualClock(0)).collect().toCompletableFuture()
                .get(30, TimeUnit.SECONDS)).hasMessageContaining("down");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String instance(String id, String state, int code, String ip, String extra) {
        return "<item><instanceId>" + id + "</instanceId><imageId>ami-0c55b159cbfafe1f0</imageId>"
                + "<instanceState><code>" + code + "</code><name>" + state + "</name></instanceState>"
                + "<privateIpAddress>" + ip + "</privateIpAddress><instanceType>t3.medium</instanceType>"
                + "<placement><availabilityZone>eu-west-1a</availabilityZone></placement>"
                + "<subnetId>subnet-0a1b2c3d</subnetId><vpcId>vpc-0a1b2c3d</vpcId>"
                + "<groupSet><item><groupId>sg-0db5e1f2</groupId><groupName>db</groupName></item>"
                + "<item><groupId>sg-0ssh1234</groupId><groupName>ssh</groupName></item></groupSet>" + extra + "</item>";
    }

    private static String page1() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                  <requestId>req-1</requestId>
                  <reservationSet><item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet>
                """ + instance("i-830dcde4", "running", 16, "10.0.0.5",
                "<ipAddress>52.18.40.7</ipAddress><networkInterfaceSet><item><association><publicIp>52.18.40.7</publicIp>"
                        + "<ipOwnerId>123456789012</ipOwnerId></association></item></networkInterfaceSet>"
                        + "<tagSet><item><key>vigil:group</key><value>db</value></item>"
                        + "<item><key>vigil:master</key><value>master</value></item></tagSet>")
                + instance("i-1pending", "pending", 0, "10.0.0.6",
                "<networkInterfaceSet><item><association><publicIp>3.3.3.3</publicIp><ipOwnerId>amazon</ipOwnerId>"
                        + "</association></item></networkInterfaceSet>")
                + """
                  </instancesSet></item></reservationSet>
                  <nextToken>page-2</nextToken>
                </DescribeInstancesResponse>
                """;
    }

    private static String page2() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                  <requestId>req-2</requestId>
                  <reservationSet><item><reservationId>r-2</reservationId><ownerId>123456789012</ownerId><instancesSet>
                """ + instance("i-2stopping", "stopping", 64, "10.0.0.7", "")
                + instance("i-3stopped", "stopped", 80, "10.0.0.8", "")
                + instance("i-4terminated", "terminated", 48, "10.0.0.9", "")
                + """
                  </instancesSet></item></reservationSet>
                </DescribeInstancesResponse>
                """;
    }
}
