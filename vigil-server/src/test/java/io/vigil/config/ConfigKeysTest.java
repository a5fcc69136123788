package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The declarations of {@link ConfigKeys} are the one description of Vigil's YAML: the docs tables are generated from
 * them, the normalized form ({@code config check --json}) writes no undeclared key, and every documented key has its
 * type, default and meaning. Run with {@code -Dvigil.writeDocs=true} to rewrite docs/configuration.md's tables.
 */
class ConfigKeysTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- config-keys: ([a-z]+) .*?-->\\n.*?" + Pattern.quote(ConfigKeys.END_MARKER),
            Pattern.DOTALL);

    private static Path docsFile() {
        return ProjectFiles.repoRoot().resolve("docs/configuration.md");
    }

    @Test
    void docsTablesAreTheGeneratedOnes() throws Exception {
        String docs = Files.readString(docsFile());
        StringBuilder regenerated = new StringBuilder();
        Matcher m = BLOCK.matcher(docs);
        List<String> tables = new ArrayList<>();
        while (m.find()) {
            tables.add(m.group(1));
            m.appendReplacement(regenerated, Matcher.quoteReplacement(ConfigKeys.markdownBlock(m.group(1))));
        }
        m.appendTail(regenerated);
        if (Boolean.getBoolean("vigil.writeDocs")) Files.writeString(docsFile(), regenerated.toString());
        assertThat(tables).as("generated tables in docs/configuration.md").containsExactlyElementsOf(ConfigKeys.TABLES);
        assertThat(docs).as("docs/configuration.md tables differ from the declarations in ConfigKeys: run "
                + "./vigil config keys --markdown, or this test with -Dvigil.writeDocs=true").isEqualTo(regenerated.toString());
    }

    @Test
    void theDocsListNoKeyOutsideTheGeneratedTables() throws Exception {
        String docs = Files.readString(docsFile());
        String yamlPart = docs.substring(0, docs.indexOf("## ONAP heartbeat-service JSON"));
        String outside = BLOCK.matcher(yamlPart).replaceAll("");
        List<String> rows = outside.lines().filter(l -> l.startsWith("| `")).toList();
        assertThat(rows).as("hand-written key rows (declare the key in ConfigKeys instead)").isEmpty();
    }

    @Test
    void everyDocumentedKeyHasTypeDefaultAndMeaningAndATable() {
        for (ConfigKey<?> k : ConfigKeys.documented()) {
            assertThat(k.type()).as(k.path()).isNotBlank();
            assertThat(k.defaultText()).as(k.path()).isNotBlank();
            assertThat(k.doc()).as(k.path()).isNotBlank();
            assertThat(ConfigKeys.TABLES).as(k.path()).contains(k.table());
        }
    }

    @Test
    void everyValueKeyIsDocumented() {
        List<String> undocumented = ConfigKeys.all().stream().filter(k -> !k.isSection() && !k.isDocumented())
                .map(ConfigKey::path).toList();
        assertThat(undocumented).isEmpty();
    }

    @Test
    void theNormalizedFormWritesOnlyDeclaredKeys() throws Exception {
        Set<String> declared = ConfigKeys.all().stream().map(ConfigKey::path).collect(Collectors.toSet());
        TreeSet<String> written = new TreeSet<>();
        collect(ConfigJson.toTree(fullConfig(), true), "", written);
        List<String> undeclared = written.stream().filter(p -> !declared.contains(p)).toList();
        assertThat(undeclared).as("keys config check --json writes that ConfigKeys does not declare").isEmpty();
    }

    /** Shorthands the normalized form writes in their long form (the key on the right). */
    private static final Map<String, String> FOLDED = Map.of(
            "ingest.kafka.topic", "ingest.kafka.topics",
            "collect.datasources[].port", "collect.datasources[].check.port",
            "collect.datasources[].path", "collect.datasources[].check.path");

    @Test
    void theNormalizedFormWritesEveryDeclaredKey() throws Exception {
        TreeSet<String> written = new TreeSet<>();
        collect(ConfigJson.toTree(fullConfig(), true), "", written);
        List<String> unwritten = ConfigKeys.all().stream().map(ConfigKey::path).filter(p -> !p.isEmpty())
                .filter(p -> !written.contains(p) && !FOLDED.containsKey(p)).distinct().toList();
        assertThat(unwritten).as("declared keys that config check --json does not write for a config that sets them all")
                .isEmpty();
    }

    @Test
    void restartKeysAreTheOnesTheServerReadsAtStartupOnly() {
        List<String> restart = ConfigKeys.all().stream().filter(k -> k.declaresRestart() && k.jsonPath() != null)
                .map(ConfigKey::restartName).distinct().toList();
        assertThat(restart).containsExactlyInAnyOrder("http", "store", "ha", "collect", "peers", "detection.grace",
                "detection.checkpointInterval", "detection.warmUp", "ingest.kafka", "config.remote.pollInterval");
        assertThat(ConfigKeys.HTTP_PORT.reload()).isEqualTo(ConfigKey.Reload.RESTART);
        assertThat(ConfigKeys.LIMITS_MAX_SOURCES.reload()).isEqualTo(ConfigKey.Reload.LIVE);
        assertThat(ConfigKeys.MONITOR_HEARTBEAT_INTERVAL.reload()).isEqualTo(ConfigKey.Reload.LIVE);
    }

    @Test
    void aVariantOfASectionTakesItsOwnKeysOnly() {
        assertThat(ConfigKeys.PUBLISH.namesFor("kafka")).containsExactly("type", "bootstrapServers", "topic", "properties");
        assertThat(ConfigKeys.PUBLISH.namesFor("log")).containsExactly("type");
        assertThat(ConfigKeys.DETECTOR.namesFor("adaptive")).containsExactly("type", "threshold");
    }

    /** Every section and list filled once, so that the normalized form writes every key it knows. */
    static VigilConfig fullConfig() throws Exception {
        String pem = ProjectFiles.repoRoot().resolve("pom.xml").toString(); // any readable file: only checked for access
        return ConfigLoader.parse("""
                http: {auth: {user: u, password: p, tokens: [{name: n, role: read, token: t}], trustLoopback: false},
                       tls: {certFile: '%1$s', keyFile: '%1$s', clientCaFile: '%1$s'}}
                store: {url: 'jdbc:postgresql://h/d', user: u, password: p}
                ha: {tls: {caFile: '%1$s'}}
                detection: {warmUp: false}
                monitors: [{eventName: E, heartbeatInterval: 1, detector: {type: phi-accrual}, expectedSources: [a],
                            recoveryHeartbeats: 2, flapping: {changes: 4, window: 5m}}]
                silences:
                  - {matchers: {eventName: E, sourceName: 'a*'}, comment: c, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T01:00:00Z'}
                  - {matchers: {sourceName: b}, days: [sat], start: '02:00', duration: 2h, timeZone: UTC}
                dependencies:
                  - {child: {eventName: E, sourceName: 'a*'}, parent: {eventName: E, sourceName: p}}
                ingest:
                  dmaap: {url: 'http://mr/e/T', auth: {user: u, password: p}, tls: {caFile: '%1$s'}, pollGrace: 500ms, retryMax: 1s}
                  kafka: {bootstrapServers: k, topic: t, deadLetterTopic: dlq, groupInstanceId: m}
                publish:
                  - {type: dmaap, url: 'http://mr/e/O', auth: {user: u, password: p}, tls: {caFile: '%1$s'},
                     batch: {maxEvents: 10, maxDelay: 50ms}}
                  - {type: webhook, url: 'http://w/h', tls: {caFile: '%1$s'}}
                  - {type: kafka, bootstrapServers: k, topic: t}
                collect:
                  eventQueue: {type: kafka, bootstrapServers: k, topic: q}
                  datasources:
                    - {name: d, type: http, port: 8081, path: /h, timeout: 1s, cache: 5s,
                       instances: [{id: i, ip: 127.0.0.1, group: g, check: {type: tcp, port: 22}}],
                       services: [{name: s, ip: 127.0.0.1, mode: m, status: master, group: g,
                                   check: {type: http, url: 'http://x/y', expectStatus: 200, field: f, expect: UP}}]}
                    - {name: c, type: command, command: [./discover.sh], check: {type: database, url: 'jdbc:h2:mem:x', user: u, password: p}}
                    - {name: x, type: inventory, instances: [{id: j, ip: 127.0.0.2, check: {type: command, command: [./up.sh]}}]}
                    - {name: e, type: ec2, region: eu-west-1, endpoint: 'http://ec2', accessKeyId: a, secretAccessKey: s,
                       filters: {tag:env: prod}, masterTag: m, groupTag: g, timeout: 2s}
                workers:
                  - {type: script, command: [./w.sh], timeout: 5s}
                  - {type: webhook, url: 'http://w/e', headers: {X: y}}
                  - {type: kafka, bootstrapServers: k, topic: w}
                actions:
                  start: {command: [./start.sh], timeout: 5s}
                  notify: {webhook: 'http://w/a'}
                peers:
                  - {name: mc, type: multicast, hostname: 239.255.0.1, port: 4446, networkInterface: lo, heartbeatInterval: 1s,
                     heartbeatTimeout: 2s, reconnectAttempts: 1, reconnectSleep: 1s, endpointId: a, sharedSecret: s, quorum: 2,
                     serverEventLoops: 1, serverMaxConnections: 10, startWithApplication: false, eventName: peers}
                """.formatted(pem), "full");
    }

    /** Key paths of a normalized tree in the docs' spelling: list elements as {@code []}, action names as {@code <name>}. */
    private static void collect(JsonNode node, String path, Set<String> out) {
        if (!path.isEmpty()) out.add(path.replaceFirst("^collect\\.datasources\\[\\](\\.(instances|services)\\[\\])?\\.check\\.", "….check."));
        if (path.matches("^collect\\.datasources\\[\\](\\.(instances|services)\\[\\])?\\.check$")) out.add("….check");
        if (node.isObject()) {
            if (path.endsWith("properties") || path.endsWith("headers") || path.endsWith("filters")) return;
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                collect(node.get(k), path.equals("actions") ? "actions.<name>" : path.isEmpty() ? k : path + "." + k, out);
                out.remove("actions.<name>"); // an element of a mapping of named mappings, like "monitors[]"
            }
        } else if (node.isArray()) {
            for (JsonNode e : node) {
                if (e.isValueNode()) continue;
                collect(e, path + "[]", out);
                out.remove(path + "[]");
            }
        }
    }
}
