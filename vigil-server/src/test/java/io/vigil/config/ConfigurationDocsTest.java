package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md stays in step with the loader: every key documented, every example valid. */
class ConfigurationDocsTest {

    private static String docs() throws Exception {
        return Files.readString(ProjectFiles.repoRoot().resolve("docs/configuration.md"));
    }

    private static List<String> yamlBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) blocks.add(m.group(1));
        return blocks;
    }

    @Test
    void everyKeyTheLoaderAcceptsHasARowInTheDocs() throws Exception {
        // A config using every key once; its normalized form lists every key path.
        String pem = ProjectFiles.repoRoot().resolve("pom.xml").toString(); // any readable file: only checked for access
        VigilConfig full = ConfigLoader.parse("""
                http: {auth: {user: u, password: p, tokens: [{name: n, role: read, token: t}], trustLoopback: false},
                       tls: {certFile: '%1$s', keyFile: '%1$s', clientCaFile: '%1$s'}}
                store: {url: 'jdbc:postgresql://h/d', user: u, password: p}
                monitors: [{eventName: E, heartbeatInterval: 1, detector: {type: phi-accrual}, expectedSources: [a],
                            recoveryHeartbeats: 2, flapping: {changes: 4, window: 5m}}]
                silences:
                  - {matchers: {eventName: E, sourceName: 'a*'}, comment: c, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T01:00:00Z'}
                  - {matchers: {sourceName: b}, days: [sat], start: '02:00', duration: 2h, timeZone: UTC}
                dependencies:
                  - {child: {eventName: E, sourceName: 'a*'}, parent: {eventName: E, sourceName: p}}
                ingest:
                  dmaap: {url: 'http://mr/e/T', auth: {user: u, password: p}, tls: {caFile: '%1$s'}}
                  kafka: {bootstrapServers: k, topic: t}
                publish:
                  - {type: dmaap, url: 'http://mr/e/O', auth: {user: u, password: p}}
                  - {type: webhook, url: 'http://w/h', tls: {caFile: '%1$s'}}
                  - {type: kafka, bootstrapServers: k, topic: t}
                """.formatted(pem), "full");
        TreeSet<String> paths = new TreeSet<>();
        collect(ConfigJson.toTree(full, true), "", paths);
        paths.add("ingest.kafka.topic"); // the one-topic spelling of ingest.kafka.topics
        String docs = docs();
        List<String> undocumented = paths.stream().filter(p -> !docs.contains("| `" + p + "` |")).toList();
        assertThat(undocumented).as("keys without a row in docs/configuration.md").isEmpty();
    }

    @Test
    void everyYamlExampleInTheDocsIsValid() throws Exception {
        List<String> blocks = yamlBlocks(docs());
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
        for (String block : blocks) ConfigLoader.parse(block, "docs/configuration.md");
    }

    @Test
    void fullExampleInTheDocsIsTheShippedExample() throws Exception {
        VigilConfig inDocs = ConfigLoader.parse(yamlBlocks(docs()).get(0), "docs");
        VigilConfig shipped = ConfigLoader.load(ProjectFiles.repoRoot().resolve("examples/vigil.yaml"));
        assertThat(inDocs).isEqualTo(shipped);
    }

    @Test
    void yamlEquivalentOfTheOnapExampleIsTheSameConfiguration() throws Exception {
        List<String> blocks = yamlBlocks(docs());
        VigilConfig yaml = ConfigLoader.parse(blocks.get(blocks.size() - 1), "docs");
        VigilConfig onap = ConfigLoader.load(ProjectFiles.example("onap-config.json"));
        assertThat(yaml.withRemote(onap.remote())).isEqualTo(
                new VigilConfig(onap.http(), onap.store(), onap.monitors(), onap.ingest(), onap.publish(), onap.remote(),
                        onap.detection(), yaml.ha(), ConfigSource.YAML, null, null));
    }

    private static void collect(JsonNode node, String path, TreeSet<String> out) {
        if (node.isObject()) {
            if (path.endsWith("properties") || path.endsWith("headers")) {
                out.add(path);
                return;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                collect(node.get(k), path.isEmpty() ? k : path + "." + k, out);
            }
        } else if (node.isArray()) {
            for (JsonNode e : node) {
                if (e.isValueNode()) out.add(path); // a list of text, like ingest.kafka.topics
                else collect(e, path + "[]", out);
            }
        } else {
            out.add(path);
        }
    }
}
