package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every validation rule of Vigil's YAML, reported as {@code path: reason}, all at once. */
class ConfigValidationTest {

    @Test
    void everyErrorOfTheDocumentIsReportedAtOnceInDocumentOrder() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(ProjectFiles.resource("all-errors.yaml")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                            "http.port: must be an integer from 0 to 65535 (got \"80800\")",
                            "http.maxBodyBytes: must be a positive byte count like 1048576, 512KiB, 1MiB (got \"-1\")",
                            "store.url: must be a JDBC URL starting with jdbc: like jdbc:postgresql://host:5432/vigil (got \"postgres://h/db\")",
                            "monitors[0].heartbeatInterval: must be a positive duration like 500ms, 2s, 5m (got \"0s\")",
                            "monitors[0].missedHeartbeats: must be an integer from 1 to 2147483647 (got \"0\")",
                            "monitors[1].heartbeatInterval: must be a positive duration like 500ms, 2s, 5m (got \"-3\")",
                            "monitors[1].timeBase: must be one of event, arrival (got \"wallclock\")",
                            "monitors[1].closedLoop.targetType: must be one of VNF, VM (got \"PNF\")",
                            "monitors: duplicate eventName \"Heartbeat_vFW\" (also monitors[0])",
                            "monitors[2].eventName: required: the VES commonEventHeader.eventName this monitor owns",
                            "monitors[2].heartbeatInterval: required: a positive duration like 500ms, 2s, 5m",
                            "ingest.dmaap.url: must be an http:// or https:// URL with a host (got \"mr:3904/events/IN\")",
                            "ingest.dmaap.pollTimeout: must be a positive duration like 500ms, 2s, 5m (got \"soon\")",
                            "publish[0].url: required for type webhook",
                            "publish[1].type: must be one of dmaap, webhook, log, kafka (got \"email\")",
                            "publish[2].type: required: one of dmaap, webhook, log, kafka",
                            "config.remote.pollInterval: must be a positive duration like 500ms, 2s, 5m (got \"0\")",
                            "detection.grace: must be a duration of 0 or more like 0s, 500ms, 2s, 5m (got \"-1s\")",
                            "ha.leaseTtl: must be a positive duration like 500ms, 2s, 5m (got \"5 seconds\")");
                    assertThat(e.getMessage()).startsWith("invalid configuration ").contains("all-errors.yaml (19 errors)")
                            .contains("\n  publish[0].url: required for type webhook");
                });
    }

    @Test
    void aLeaseTtlTooShortToRenewSafelyIsAConfigErrorNotAStartupCrash() throws ConfigException {
        assertThat(ConfigErrors.of("ha:\n  leaseTtl: 500ms\n")).containsExactly("ha.leaseTtl: must be at least 1s: renewals "
                + "every TTL/3 must fit inside the safety window TTL - max(TTL/4, 250ms) (got 500ms)");
        assertThat(ConfigLoader.parse("ha:\n  leaseTtl: 1s\n", "test.yaml").ha().leaseTtl()).hasSeconds(1);
    }

    @Test
    void unknownKeyIsAnErrorNamingTheKeyAndTheClosestKnownOne() {
        assertThat(ConfigErrors.of("http:\n  prot: 8080\n")).containsExactly(
                "http.prot: unknown key (did you mean \"port\"?); known keys here: port, host, maxBodyBytes, auth, tls, maxConnections, idleTimeout, headerTimeout");
        assertThat(ConfigErrors.of("monitors:\n  - eventName: E\n    heartbeatInterval: 1s\n    missedHeartbeat: 2\n"))
                .containsExactly("monitors[0].missedHeartbeat: unknown key (did you mean \"missedHeartbeats\"?); known keys here: "
                        + "eventName, heartbeatInterval, missedHeartbeats, timeBase, closedLoop, detector, expectedSources, recoveryHeartbeats, flapping");
        assertThat(ConfigErrors.of("colour: blue")).singleElement().asString()
                .startsWith("colour: unknown key; known keys here: http, store, monitors");
    }

    @Test
    void unknownKeysAreCheckedInEverySection() {
        assertThat(ConfigErrors.of("""
                store: {uri: x}
                monitors: [{eventName: E, heartbeatInterval: 1, closedLoop: {policy: p}}]
                ingest: {dmaap: {url: 'http://mr/e/T', grp: g}, mqtt: {}}
                publish: [{type: log, url: 'http://x'}, {type: webhook, url: 'http://x', header: {}}]
                config: {remote: {url: 'http://cbs/x', interval: 5}, local: 1}
                detection: {grace: 1s, checkpoint: 1s}
                ha: {enable: true}
                """)).extracting(s -> s.substring(0, s.indexOf(':'))).containsExactly(
                "store.uri", "monitors[0].closedLoop.policy", "ingest.mqtt", "ingest.dmaap.grp", "publish[0].url",
                "publish[1].header", "config.local", "config.remote.interval", "detection.checkpoint", "ha.enable");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            monitors: {eventName: E}                                | monitors: must be a list (got a mapping)
            monitors: [E]                                           | monitors[0]: must be a mapping of keys (got "E")
            http: 8080                                              | http: must be a mapping of keys (got "8080")
            http: {host: ''}                                        | http.host: must not be empty
            http: {auth: {user: u}}                                 | http.auth.password: required when http.auth.user is given
            http: {auth: {tokens: [{name: a, role: boss, token: t}]}} | http.auth.tokens[0].role: must be one of ingest, read, admin (got "boss")
            http: {auth: {tokens: [{name: a, role: read, token: 'sha256:12'}]}} | http.auth.tokens[0].token: sha256: must be followed by 64 hex digits (the SHA-256 of the token as sha256sum prints it)
            http: {auth: {tokens: [{role: read, token: t}]}}        | http.auth.tokens[0].name: required: who holds the token (it is written to the audit log)
            http: {auth: {tokens: [{name: a, role: read, token: t}, {name: b, role: admin, token: t}]}} | http.auth.tokens[1].token: the same token is given twice; each holder needs its own
            store: {user: sa}                                       | store.user: needs store.url; the default H2 file store takes no credentials
            ingest: {dmaap: {group: g}}                             | ingest.dmaap.url: required: the Message Router topic URL, e.g. http://mr:3904/events/TOPIC
            ingest: {dmaap: {url: 'http://mr/e/T', limit: 0}}       | ingest.dmaap.limit: must be an integer from 1 to 2147483647 (got "0")
            ingest: {kafka: {bootstrapServers: 'k:1'}}              | ingest.kafka.topic: required: the topic to consume (or topics: [a, b])
            ingest: {kafka: {topic: t}}                             | ingest.kafka.bootstrapServers: required: host:port[,host:port...]
            ingest: {kafka: {bootstrapServers: k, topic: t, topics: [u]}} | ingest.kafka.topics: give either topic or topics, not both
            ingest: {kafka: {bootstrapServers: k, topics: []}}      | ingest.kafka.topics: must name at least one topic
            ingest: {kafka: {bootstrapServers: k, topic: t, properties: {a: [1]}}} | ingest.kafka.properties.a: must be a text value (got a list)
            publish: [{type: dmaap}]                                | publish[0].url: required for type dmaap: the Message Router topic URL
            publish: [{type: webhook, url: 'ftp://x/y'}]            | publish[0].url: must be an http:// or https:// URL with a host (got "ftp://x/y")
            publish: [{type: kafka, topic: t}]                      | publish[0].bootstrapServers: required for type kafka: host:port[,host:port...]
            publish: [{type: kafka, bootstrapServers: k}]           | publish[0].topic: required for type kafka
            publish: log                                            | publish: must be a list (got "log")
            config: {remote: {url: 'cbs:10000'}}                    | config.remote.url: must be an http:// or https:// URL with a host (got "cbs:10000")
            detection: {checkpointInterval: 0}                      | detection.checkpointInterval: must be a positive duration like 500ms, 2s, 5m (got "0")
            ha: {enabled: sometimes}                                | ha.enabled: must be true or false (got "sometimes")
            ha: {enabled: true}                                     | ha.enabled: needs a store that every instance shares: set store.url to a PostgreSQL JDBC URL (the default is a local H2 file)
            """)
    void eachRuleReportsItsPathAndReason(String yaml, String expected) {
        assertThat(ConfigErrors.of(yaml)).containsExactly(expected);
    }

    @Test
    void tlsFilesMustBeReadableAndComeAsAPair() {
        assertThat(ConfigErrors.of("http: {tls: {certFile: /nonexistent/c.pem, clientCaFile: /nonexistent/ca.pem}}")).containsExactly(
                "http.tls.certFile: cannot read file /nonexistent/c.pem (missing, not a regular file, or not readable)",
                "http.tls.keyFile: required: the private key of certFile (PEM)",
                "http.tls.clientCaFile: cannot read file /nonexistent/ca.pem (missing, not a regular file, or not readable)");
    }

    @Test
    void malformedYamlIsOneErrorWithLineAndColumn() {
        List<String> errors = ConfigErrors.of("http:\n  port: 8080\n monitors: [\n");
        assertThat(errors).singleElement().asString().matches("line \\d+, column \\d+: not valid YAML/JSON: .+");
    }

    @Test
    void malformedJsonIsOneErrorWithLineAndColumn() {
        assertThat(ConfigErrors.of("{\n  \"groupID\": \"g\",\n  \"consumerID\" \"1\"\n}")).singleElement().asString()
                .startsWith("line 3, column 16: not valid YAML/JSON: Unexpected character");
    }

    @Test
    void duplicateKeyIsAnError() {
        assertThat(ConfigErrors.of("http:\n  port: 1\n  port: 2\n")).singleElement().asString()
                .contains("Duplicate field 'port'");
    }

    @Test
    void documentThatIsNotAMappingIsAnError() {
        assertThat(ConfigErrors.of("- a\n- b\n")).containsExactly("the configuration must be a mapping of keys (got a list)");
    }

    @Test
    void missingFileIsOneErrorNamingTheFile() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("no-such-vigil.yaml")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).singleElement().asString()
                        .startsWith("file not found: ").endsWith("no-such-vigil.yaml"));
    }
}
