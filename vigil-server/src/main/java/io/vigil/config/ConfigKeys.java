package io.vigil.config;

import io.vigil.collect.CollectSettings;
import io.vigil.collect.action.ActionSpec;
import io.vigil.collect.worker.WorkerSpec;
import io.vigil.detect.DetectorSpec;
import io.vigil.detect.FlapRule;
import io.vigil.ingest.IngestLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every key of Vigil's YAML, declared once: name, type, default, validation (the reader behind
 * {@link ConfigKey#read}), documentation and reload policy. The readers ({@link VigilYamlReader},
 * {@link DetectionConfigReader}, {@link CollectYamlReader}) read through these declarations, the unknown-key check
 * takes each section's keys from here, {@link ConfigDiff} takes {@code restartNeeded} from the reload policies, and the
 * key tables of docs/configuration.md are generated from here ({@link #markdownTable}, {@code vigil config keys
 * --markdown}; {@code ConfigKeysDocsTest} fails when they drift).
 *
 * <p>To add a key: declare it under its section, in the place where "known keys here" should list it, with
 * {@code .doc(type, default, meaning)} (and {@code .restart()} when it is read at startup only); read it with
 * {@code KEY.read(node)} (or, for a key with its own checks, by {@code KEY.name()}); then regenerate the docs table
 * with {@code ./vigil config keys --markdown} (or run {@code ConfigKeysDocsTest} with {@code -Dvigil.writeDocs=true}).
 *
 * <p>The order of the top-level sections is the order of "known keys here" and of {@code restartNeeded}; the order of
 * the docs tables is the docs' own.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    static final ConfigKey<Void> ROOT = ConfigKey.root();

    // ------------------------------------------------------------------ http (read at startup)

    static final ConfigKey<Void> HTTP = ROOT.section("http").restart();
    static final ConfigKey<Integer> HTTP_PORT = HTTP.integer("port", 0, 65535, HttpConfig.DEFAULT_PORT).doc("integer 0–65535", "`8080`",
            "TCP port. `--port` overrides it. `0` picks a free port (tests).");
    static final ConfigKey<Void> HTTP_HOST = HTTP.value("host").doc("text", "`0.0.0.0`",
            "Address to bind.");
    static final ConfigKey<Long> HTTP_MAX_BODY_BYTES = HTTP.bytes("maxBodyBytes", HttpConfig.DEFAULT_MAX_BODY_BYTES).doc("byte size", "`1MiB`",
            "Largest request body of any endpoint (VES ingest and REST alike); a larger one is answered 413 and the connection closed as soon as the limit is crossed (a chunked body is not read to its end).");
    static final ConfigKey<Void> HTTP_AUTH = HTTP.section("auth");
    static final ConfigKey<Void> HTTP_AUTH_USER = HTTP_AUTH.value("user").doc("text", "—",
            "With `http.auth.password`: HTTP basic auth required on the VES ingest endpoints (`/eventListener/…`). Both or neither.");
    static final ConfigKey<Void> HTTP_AUTH_PASSWORD = HTTP_AUTH.value("password").doc("text", "—",
            "See `http.auth.user`. Basic credentials are accepted on the VES endpoints only (the ONAP drop-in).");
    static final ConfigKey<Void> HTTP_AUTH_TOKENS = HTTP_AUTH.list("tokens");
    static final ConfigKey<Void> TOKEN_NAME = HTTP_AUTH_TOKENS.value("name").doc("text", "—",
            "Who holds the token; written to the audit log (`vigil.audit`). Unique.");
    static final ConfigKey<String> TOKEN_ROLE = HTTP_AUTH_TOKENS.oneOf("role", null, "ingest", "read", "admin").doc("`ingest` \\| `read` \\| `admin`", "—",
            "`ingest`: the VES endpoints. `read`: GET on `/api/…`, `/metrics`, the collector RPC `/rpc/…`. `admin`: every mutation (silences, dependencies, reload, command, actions, plans) and everything `read` and `ingest` may do.");
    static final ConfigKey<Void> TOKEN_TOKEN = HTTP_AUTH_TOKENS.value("token").doc("text", "—",
            "The bearer token (`Authorization: Bearer <token>`), or `sha256:<64 hex digits>` of it (`printf %s \"$TOKEN\" \\| sha256sum`) so that the file holds no secret. Once any token is configured, every endpoint but `/healthz`, `/readyz` and the dashboard's static files needs credentials, from loopback too: missing or wrong ones get 401, a token with too small a role 403.");
    static final ConfigKey<Boolean> HTTP_AUTH_TRUST_LOOPBACK = HTTP_AUTH.bool("trustLoopback", true).doc("boolean", "`true`",
            "With no tokens configured, mutations are served to loopback clients (127.0.0.0/8, ::1) only; others get 403 naming `http.auth.tokens`. Set `false` when a reverse proxy on the same host forwards outside clients (they would all look like loopback): then mutations need a token. `X-Forwarded-For` is never trusted.");
    static final ConfigKey<Void> HTTP_TLS = HTTP.section("tls");
    static final ConfigKey<Void> HTTP_TLS_CERT_FILE = HTTP_TLS.value("certFile").doc("file", "—",
            "With `http.tls.keyFile`: serve HTTPS with this PEM certificate chain. Re-read without a restart when the file changes (checked every 2 s) or on SIGHUP.");
    static final ConfigKey<Void> HTTP_TLS_KEY_FILE = HTTP_TLS.value("keyFile").doc("file", "—",
            "The PEM private key (PKCS#8 or PKCS#1) of `http.tls.certFile`.");
    static final ConfigKey<Void> HTTP_TLS_CLIENT_CA_FILE = HTTP_TLS.value("clientCaFile").doc("file", "—",
            "PEM CA certificate(s): clients must present a certificate signed by one of them (mutual TLS).");
    static final ConfigKey<Integer> HTTP_MAX_CONNECTIONS = HTTP.integer("maxConnections", 1, Integer.MAX_VALUE,
            HttpConfig.Connections.DEFAULT_MAX).doc("integer ≥ 1", "`10000`",
            "Most open HTTP connections. Past it a new connection is served only `GET /healthz` and `/readyz` (then closed); anything else gets `503 too_many_connections` and is closed. Lowered at start to the process's open-file limit minus 256 (logged) so that the store, Kafka and the health checks always find a descriptor.");
    static final ConfigKey<Duration> HTTP_IDLE_TIMEOUT = HTTP.duration("idleTimeout", HttpConfig.Connections.DEFAULT_IDLE_TIMEOUT)
            .doc("duration", "`2m`",
            "A connection without any traffic this long is closed.");
    static final ConfigKey<Duration> HTTP_HEADER_TIMEOUT = HTTP.duration("headerTimeout",
            HttpConfig.Connections.DEFAULT_HEADER_TIMEOUT).doc("duration", "`10s`",
            "The request line and headers must arrive within this long of the connection opening (on a kept-alive connection: within `idleTimeout` + `headerTimeout` of the previous answer); a silent or trickling client is closed.");

    // ------------------------------------------------------------------ store (read at startup)

    static final ConfigKey<Void> STORE = ROOT.section("store").restart();
    static final ConfigKey<Void> STORE_URL = STORE.value("url").doc("JDBC URL", "embedded H2 file",
            "Omitted: an H2 file database `vigil` under the data directory (`--data-dir`, default `./data`). Production: `jdbc:postgresql://host:5432/vigil` (the database is created if missing). Must start with `jdbc:`.");
    static final ConfigKey<String> STORE_USER = STORE.text("user").doc("text", "—",
            "JDBC user. Only with `store.url`.");
    static final ConfigKey<String> STORE_PASSWORD = STORE.text("password").doc("text", "—",
            "JDBC password. Only with `store.url`. Never printed (masked in `--json`, logs).");

    // ------------------------------------------------------------------ monitors[]

    static final ConfigKey<Void> MONITORS = ROOT.list("monitors");
    static final ConfigKey<Void> MONITOR_EVENT_NAME = MONITORS.value("eventName").doc("text, **required**", "—",
            "The VES `commonEventHeader.eventName` this monitor owns. Unique across monitors.");
    static final ConfigKey<Duration> MONITOR_HEARTBEAT_INTERVAL = MONITORS.duration("heartbeatInterval", null)
            .doc("duration, **required**", "—",
            "Expected time between two heartbeats of a source. Positive.");
    static final ConfigKey<Integer> MONITOR_MISSED_HEARTBEATS = MONITORS.integer("missedHeartbeats", 1, Integer.MAX_VALUE, 3)
            .doc("integer ≥ 1", "`3`",
            "How many intervals may pass silently before the source is MISSING.");
    static final ConfigKey<String> MONITOR_TIME_BASE = MONITORS.oneOf("timeBase", "event", "event", "arrival").doc("`event` \\| `arrival`", "`event`",
            "`event` (ONAP's rule): lastSeen is `lastEpochMicrosec` (values ≤ 1e15 are read as milliseconds), clamped to the arrival time when in the future. `arrival`: the time Vigil received it.");
    static final ConfigKey<Void> CLOSED_LOOP = MONITORS.section("closedLoop");
    static final ConfigKey<String> CLOSED_LOOP_CONTROL_NAME = CLOSED_LOOP.text("controlName").doc("text", "null",
            "`closedLoopControlName` of the control-loop events.");
    static final ConfigKey<String> CLOSED_LOOP_POLICY_NAME = CLOSED_LOOP.text("policyName").doc("text", "null",
            "`policyName`.");
    static final ConfigKey<String> CLOSED_LOOP_POLICY_VERSION = CLOSED_LOOP.text("policyVersion")
            .doc("text", "null",
            "`policyVersion`. Quote version numbers (`\"2.0\"`): unquoted YAML reads `1.10` as the number 1.1.");
    static final ConfigKey<String> CLOSED_LOOP_POLICY_SCOPE = CLOSED_LOOP.text("policyScope").doc("text", "null",
            "`policyScope`.");
    static final ConfigKey<String> CLOSED_LOOP_TARGET_TYPE = CLOSED_LOOP.oneOf("targetType", "VNF", "VNF", "VM")
            .doc("`VNF` \\| `VM`", "`VNF`",
            "`target_type`; also decides the AAI key: `generic-vnf.vnf-name` (VNF) or `vserver.vserver-name` (VM).");
    static final ConfigKey<String> CLOSED_LOOP_TARGET = CLOSED_LOOP.text("target").doc("text", "null",
            "`target`.");
    static final ConfigKey<String> CLOSED_LOOP_VERSION = CLOSED_LOOP.text("version").doc("text", "null",
            "`version`.");
    static final ConfigKey<Void> DETECTOR = MONITORS.section("detector");
    static final ConfigKey<String> DETECTOR_TYPE = DETECTOR.oneOf("type", "missed-count", "adaptive", "missed-count", "phi-accrual")
            .doc("`adaptive` \\| `missed-count` \\| `phi-accrual`", "`missed-count`",
            "Which detector decides MISSING. `adaptive` learns each source's period, lateness and lost heartbeats (and those of the monitor's fleet) and detects sooner where that is safe; `missed-count` is ONAP's rule above; `phi-accrual` learns inter-arrival times as a normal distribution. The learning detectors are never later than `heartbeatInterval × missedHeartbeats`. See [detection.md](detection.md).");
    static final ConfigKey<Void> DETECTOR_THRESHOLD = DETECTOR.value("threshold").only("adaptive", "phi-accrual")
            .doc("number > 0", "`10` (adaptive), `8` (phi-accrual)",
            "adaptive: the safety margin on top of the learnt lateness, in mean absolute deviations of it (at most 1000; lower detects sooner and risks more false alarms). phi-accrual: φ at which a source is MISSING (φ = 8: a 10⁻⁸ chance that the heartbeat is merely late; at most 300).");
    static final ConfigKey<Integer> DETECTOR_WINDOW = DETECTOR.integer("window", 2, 65535, DetectorSpec.PhiAccrual.DEFAULT_WINDOW)
            .only("phi-accrual").doc("integer 2–65535", "`1000`",
            "phi-accrual only: how many recent inter-arrival times the estimate remembers.");
    static final ConfigKey<Duration> DETECTOR_MIN_STD_DEV = DETECTOR.durationOrZero("minStdDev",
            DetectorSpec.PhiAccrual.DEFAULT_MIN_STD_DEV).only("phi-accrual").doc("duration ≥ 0", "`100ms`",
            "phi-accrual only: floor of the learnt standard deviation.");
    static final ConfigKey<Duration> DETECTOR_ACCEPTABLE_PAUSE = DETECTOR.durationOrZero("acceptablePause",
            DetectorSpec.PhiAccrual.DEFAULT_ACCEPTABLE_PAUSE).only("phi-accrual").doc("duration ≥ 0", "`0s`",
            "phi-accrual only: silence always tolerated on top of the learnt mean.");
    static final ConfigKey<Void> MONITOR_EXPECTED_SOURCES = MONITORS.value("expectedSources").doc("list of sourceNames", "`[]`",
            "Sources that must show up: each gets an ONSET if silent for `heartbeatInterval × missedHeartbeats` after startup (or after it was added). ONAP never alarms a source it has not heard from.");
    static final ConfigKey<Integer> MONITOR_RECOVERY_HEARTBEATS = MONITORS.integer("recoveryHeartbeats", 1, 1000, 1)
            .doc("integer ≥ 1", "`1`",
            "A MISSING source is ABATED only after this many heartbeats in a row (each within `heartbeatInterval × missedHeartbeats` of the previous).");
    static final ConfigKey<Void> FLAPPING = MONITORS.section("flapping");
    static final ConfigKey<Integer> FLAPPING_CHANGES = FLAPPING.integer("changes", 2, 1000, FlapRule.DEFAULT_CHANGES)
            .doc("integer ≥ 2", "`6`",
            "Flap detection (off unless `flapping` is given): this many state changes within `window` make a source FLAPPING; its notifications are held until it has been stable for `window`.");
    static final ConfigKey<Duration> FLAPPING_WINDOW = FLAPPING.duration("window", FlapRule.DEFAULT_WINDOW).doc("duration", "`10m`",
            "The flapping window, and the quiet time that ends flapping.");

    // ------------------------------------------------------------------ detection

    static final ConfigKey<Void> DETECTION = ROOT.section("detection");
    static final ConfigKey<Duration> DETECTION_GRACE = DETECTION.durationOrZero("grace", null).restart().doc("duration ≥ 0", "one `heartbeatInterval` of the source's monitor",
            "Silence forgiven after a restart, a takeover or an ingest outage, before a source may be declared MISSING.");
    static final ConfigKey<Duration> DETECTION_CHECKPOINT_INTERVAL = DETECTION.duration("checkpointInterval",
            DetectionConfig.DEFAULT_CHECKPOINT_INTERVAL).restart().doc("duration", "`1s`",
            "How often lastSeen times are written behind to the store. Each checkpoint writes only the sources whose "
                    + "lastSeen moved half their monitor's threshold since they were last written, so a crash forgets at "
                    + "most half a threshold plus this interval of lastSeen progress "
                    + "(up to 10 s more while a flood of new sources' first-seen events is being written) "
                    + "([store.md](store.md#write-behind-the-checkpoint-contract)).");
    static final ConfigKey<Duration> DETECTION_MAX_SILENCE = DETECTION.duration("maxSilenceDuration", DetectionConfig.DEFAULT_MAX_SILENCE)
            .doc("duration", "`720h` (30 days)",
            "The longest one-off silence (`endsAt − startsAt`), from the API (`400` past it) or the config (an error). A silence that would mute its sources for longer is refused: renew a short one instead of forgetting a long one.");

    static final ConfigKey<Boolean> DETECTION_WARM_UP = DETECTION.bool("warmUp", true).restart().doc("boolean", "`true`",
            "Once the active engine tracks " + String.format("%,d", DetectionConfig.WARM_UP_AFTER_SOURCES) + " sources "
                    + "and no storm of real alarms waits, run synthetic storms (20,000 ONSETs, then ABATEDs, three times, and "
                    + "up to eight times while the JVM's compiler is still busy) through "
                    + "Vigil's own engine, journal and relay, and a sink of each configured kind (webhook, batch webhook, "
                    + "Message Router, Kafka) sending to a loopback receiver of its own (for Kafka a stand-in broker), "
                    + "on a throwaway store in `<data dir>/warm-up`, once per "
                    + "process, in the background, so that the first real storm after a start does not wait for the JVM "
                    + "to compile the alarm path (a fresh server's first 100k-source storm was 1.3–1.6× slower). Nothing "
                    + "reaches the configured store, sinks or metrics; it takes 5–20 s of CPU and gives way to a storm of "
                    + "real alarms (over 1,000 waiting), a lost role and the stop. Embedded store only (left out on PostgreSQL), and only with "
                    + "256 MiB of heap and 1 GiB of disk free. `false` leaves it out "
                    + "([benchmarks.md](benchmarks.md#session-8-where-a-storms-cpu-goes-and-the-alarm-paths-warm-up)).");

    // ------------------------------------------------------------------ ingest

    static final ConfigKey<Void> INGEST = ROOT.section("ingest");
    static final ConfigKey<Void> DMAAP = INGEST.section("dmaap");
    static final ConfigKey<Void> DMAAP_URL = DMAAP.value("url").doc("http(s) URL, **required** in `ingest.dmaap`", "—",
            "DMaaP Message Router topic URL, e.g. `http://message-router:3904/events/unauthenticated.SEC_HEARTBEAT_OUTPUT`. Vigil long-polls `GET {url}/{group}/{consumer}?timeout=…&limit=…`.");
    static final ConfigKey<Void> DMAAP_GROUP = DMAAP.value("group").doc("text", "`vigil`",
            "Consumer group.");
    static final ConfigKey<Void> DMAAP_CONSUMER = DMAAP.value("consumer").doc("text", "`1`",
            "Consumer id within the group.");
    static final ConfigKey<Duration> DMAAP_POLL_TIMEOUT = DMAAP.duration("pollTimeout", DmaapIngest.DEFAULT_POLL_TIMEOUT)
            .doc("duration", "`15s`",
            "Long-poll timeout sent as `timeout=` (ms). While MR has nothing to give it holds each poll this long, and the DMaaP channel's watermark (the start of the last poll that came back) runs one to two of these behind: a DMaaP-fed source's ONSET may come up to 2 × `pollTimeout` (plus processing) after its deadline, 30 s with the default (ONAP's 15 s). Vigil names this bound when it starts polling, as a WARN if it is longer than the shortest monitor's limit. For detection within 0.1 s of the deadline give `25ms`: up to 40 polls a second while MR is idle (see [detection.md](detection.md#dmaaps-detection-bound)).");
    static final ConfigKey<Duration> DMAAP_POLL_GRACE = DMAAP.duration("pollGrace", DmaapIngest.DEFAULT_POLL_GRACE)
            .doc("duration", "`5s`",
            "Added to `pollTimeout` to bound one poll: a Message Router that has not answered by then is given up (the connection is reset) and asked again. The DMaaP channel is blind meanwhile, and after an outage a poll that hung when MR came back holds it until then: a short value (e.g. `500ms` with `pollTimeout: 50ms`) brings recovery sooner, but an answer MR sends later than this is cut off and the messages it had handed out are lost (Vigil's watermark does not move on a failed poll, so no source is declared missing on that account).");
    static final ConfigKey<Duration> DMAAP_RETRY_MAX = DMAAP.duration("retryMax", DmaapIngest.DEFAULT_RETRY_MAX)
            .doc("duration", "`5s`",
            "After failed polls the next waits 250 ms, doubling up to this, counted from the failed poll's start. The channel is blind while the poller waits, so after MR is back up to this much is added to the blind time (with a short `pollGrace`, lower this too, e.g. `1s`).");
    static final ConfigKey<Integer> DMAAP_LIMIT = DMAAP.integer("limit", 1, Integer.MAX_VALUE, DmaapIngest.DEFAULT_LIMIT)
            .doc("integer ≥ 1", "`1000`",
            "Most messages per poll, sent as `limit=`.");
    static final ConfigKey<Void> DMAAP_AUTH = DMAAP.section("auth");
    static final ConfigKey<Void> DMAAP_AUTH_USER = DMAAP_AUTH.value("user").doc("text", "—",
            "With `ingest.dmaap.auth.password`: basic auth towards the Message Router.");
    static final ConfigKey<Void> DMAAP_AUTH_PASSWORD = DMAAP_AUTH.value("password").doc("text", "—",
            "See above.");
    static final ConfigKey<Void> DMAAP_TLS = DMAAP.section("tls");
    static final ConfigKey<Void> DMAAP_TLS_CA_FILE = DMAAP_TLS.value("caFile").doc("file", "—",
            "PEM CA certificate(s) to trust for an `https://` Message Router signed by a private CA (instead of the JDK's CAs).");
    static final ConfigKey<Void> KAFKA = INGEST.section("kafka").restart();
    static final ConfigKey<Void> KAFKA_BOOTSTRAP_SERVERS = KAFKA.value("bootstrapServers").doc("text, **required** in `ingest.kafka`", "—",
            "`host:port[,host:port…]`.");
    static final ConfigKey<Void> KAFKA_TOPIC = KAFKA.value("topic").doc("text", "—",
            "The topic to consume. Give `topic` or `topics`, one is **required**.");
    static final ConfigKey<Void> KAFKA_TOPICS = KAFKA.value("topics").doc("list of text", "—",
            "Several topics.");
    static final ConfigKey<Void> KAFKA_GROUP_ID = KAFKA.value("groupId").doc("text", "`vigil`",
            "Kafka consumer group.");
    static final ConfigKey<Void> KAFKA_GROUP_INSTANCE_ID = KAFKA.value("groupInstanceId").doc("text", "`ha.instanceId`",
            "The consumer's `group.instance.id` (Kafka static membership): a Vigil restarted under the same id takes its member's place without a rebalance. `none`: dynamic membership (a new member at every start). A `group.instance.id` in `properties` wins. On a clean stop Vigil leaves the group, so its partitions move at once either way; after a crash they wait for the session timeout (`session.timeout.ms`, 45 s) either way. Two instances must not share one id (Kafka fences the older one).");
    static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = KAFKA.textMap("properties").doc("mapping text → text", "`{}`",
            "Kafka client properties passed through unchanged (`security.protocol`, `sasl.*`, `ssl.*`, …).");
    static final ConfigKey<Void> KAFKA_DEAD_LETTER_TOPIC = KAFKA.value("deadLetterTopic").doc("text", "—",
            "Poison records (not JSON, not VES, no usable event) are copied here, with headers naming their origin, before they are skipped. Must differ from the consumed topics. See [kafka.md](kafka.md).");

    // ------------------------------------------------------------------ publish[]

    static final ConfigKey<Void> PUBLISH = ROOT.list("publish");
    static final ConfigKey<PublishType> PUBLISH_TYPE = PUBLISH.oneOf("type", null, PublishType.class, PublishType::wire).doc("`dmaap` \\| `webhook` \\| `log` \\| `kafka`, **required**", "—",
            "The kind of target; decides which other keys are allowed.");
    static final ConfigKey<Void> PUBLISH_URL = PUBLISH.value("url").only("dmaap", "webhook").doc("http(s) URL", "—",
            "`dmaap`: the Message Router topic URL (**required**): one `POST` of the JSON object per event, or of a JSON array of several waiting events (see `batch`). `webhook`: the URL to `POST` the same JSON object to (**required**; a JSON array with `batch`). Credentials in it (`http://user:pass@host/path`) are sent as HTTP basic auth (unless `headers` has an `Authorization`); the sink is named after the URL with them masked (`webhook:http://******@host/path`, also `token=`/`password=` parameters) in the status, metrics labels, logs and thread names.");
    static final ConfigKey<Void> PUBLISH_AUTH = PUBLISH.section("auth").only("dmaap");
    static final ConfigKey<Void> PUBLISH_AUTH_USER = PUBLISH_AUTH.value("user").doc("text", "—",
            "`dmaap` only: basic auth towards the Message Router, with `publish[].auth.password`.");
    static final ConfigKey<Void> PUBLISH_AUTH_PASSWORD = PUBLISH_AUTH.value("password").doc("text", "—",
            "See above.");
    static final ConfigKey<Map<String, String>> PUBLISH_HEADERS = PUBLISH.textMap("headers").only("webhook").doc("mapping text → text", "`{}`",
            "`webhook` only: extra request headers (e.g. `Authorization`).");
    static final ConfigKey<Void> PUBLISH_TLS = PUBLISH.section("tls").only("dmaap", "webhook");
    static final ConfigKey<Void> PUBLISH_TLS_CA_FILE = PUBLISH_TLS.value("caFile").doc("file", "—",
            "`dmaap` and `webhook`: PEM CA certificate(s) to trust for an `https://` URL signed by a private CA (instead of the JDK's CAs).");
    static final ConfigKey<Void> PUBLISH_BATCH = PUBLISH.section("batch").only("dmaap", "webhook");
    static final ConfigKey<Integer> PUBLISH_BATCH_MAX_EVENTS = PUBLISH_BATCH.integer("maxEvents", 1, 10_000, null)
            .doc("integer 1–10000", "`dmaap`: `100`",
            "Several events per `POST`, as one JSON array. `webhook`: opt-in, give `batch` to have every request carry a JSON array of up to `maxEvents` events (**required** in `batch`), in outbox order per source; without `batch` each event is one JSON object per `POST`. `dmaap`: on by default (`maxEvents: 100`): the Message Router's batch publish, each element becomes one message on the topic; a single waiting event still goes as one JSON object. A failed request is sent again whole (receivers deduplicate on the event id, ONAP's `requestID`).");
    static final ConfigKey<Duration> PUBLISH_BATCH_MAX_DELAY = PUBLISH_BATCH.durationOrZero("maxDelay", Duration.ZERO)
            .doc("duration ≥ 0", "`0s`",
            "How long the first event of a batch may wait for more before a smaller batch goes. `0s`: send at once whatever waits (a storm still fills batches, because up to 4 requests are in flight and events gather behind them). Every event's wait counts in `vigil_delivery_stage_seconds{stage=\"relayed\"}`.");
    static final ConfigKey<Void> PUBLISH_BOOTSTRAP_SERVERS = PUBLISH.value("bootstrapServers").only("kafka")
            .doc("text", "—",
            "`kafka` only, **required**.");
    static final ConfigKey<Void> PUBLISH_TOPIC = PUBLISH.value("topic").only("kafka").doc("text", "—",
            "`kafka` only, **required**: the topic; record key = sourceName.");
    static final ConfigKey<Map<String, String>> PUBLISH_PROPERTIES = PUBLISH.textMap("properties").only("kafka")
            .doc("mapping text → text", "`{}`",
            "`kafka` only: producer properties passed through.");

    // ------------------------------------------------------------------ config.remote

    static final ConfigKey<Void> CONFIG = ROOT.section("config");
    static final ConfigKey<Void> REMOTE = CONFIG.section("remote");
    static final ConfigKey<String> REMOTE_URL = REMOTE.url("url").doc("http(s) URL", "—",
            "Where `GET` returns the configuration (ONAP config binding service shape; ONAP JSON or Vigil keys; a `{\"config\": {…}}` wrapper is accepted). May instead come from the command line or the environment (`VIGIL_CONFIG_URL`, or ONAP's `CONFIG_BINDING_SERVICE` + `CONFIG_BINDING_SERVICE_SERVICE_PORT` (default 10000) + `HOSTNAME` → `http://$CONFIG_BINDING_SERVICE:$PORT/service_component/$HOSTNAME`).");
    static final ConfigKey<Duration> REMOTE_POLL_INTERVAL = REMOTE.duration("pollInterval", null).restart()
            .doc("duration", "—",
            "How often to fetch it. Omitted: only on demand (`POST /api/v1/config/reload`, SIGHUP).");

    // ------------------------------------------------------------------ ha (read at startup)

    static final ConfigKey<Void> HA = ROOT.section("ha").restart();
    static final ConfigKey<Boolean> HA_ENABLED = HA.bool("enabled", false).doc("boolean", "`false`",
            "Active/standby over a lease row in the store. Needs a store every instance shares: `store.url` must be set (PostgreSQL).");
    static final ConfigKey<Duration> HA_LEASE_TTL = HA.duration("leaseTtl", HaConfig.DEFAULT_LEASE_TTL).doc("duration", "`5s`",
            "Lease lifetime without renewal, at least `1s`; a standby takes over within about TTL + 1 s of the active dying.");
    static final ConfigKey<Void> HA_INSTANCE_ID = HA.value("instanceId").doc("text", "`<hostname>-<pid>`",
            "This instance's id in the lease row and in `/api/v1/status`.");
    static final ConfigKey<Void> HA_MODE = HA.value("mode").doc("`active-standby` \\| `kafka-partitions`", "`active-standby`",
            "`active-standby`: one instance detects and emits, the others stand by. `kafka-partitions`: active-active, every instance detects the sources keyed to the Kafka partitions it is assigned and the lease holder runs the relays ([ha.md](ha.md#active-active-over-kafka-partitions)). Needs `ha.enabled: true`, a PostgreSQL `store.url`, `ingest.kafka` with exactly one topic, and no `ingest.dmaap`.");
    static final ConfigKey<Void> HA_ADVERTISE_URL = HA.value("advertiseUrl").doc("URL", "`http://<http.host>:<port>`",
            "The URL the other instances reach this one at (announced in the `instances` table; a standby forwards heartbeats to the active's). An absolute `http://` or `https://` URL without query or fragment; a path prefix is kept (`/eventListener/v7` is appended to it), a trailing `/` dropped. Set it when the instances cannot reach `http.host` (NAT, containers, a proxy in front), e.g. `advertiseUrl: https://vigil-a.example:8443` ([ha.md](ha.md#running-two-instances)). The environment variable `VIGIL_HA_ADVERTISE_URL` overrides it. Default: the bound address, or this machine's address when `http.host` is `0.0.0.0`.");
    static final ConfigKey<Void> HA_TLS = HA.section("tls");
    static final ConfigKey<Void> HA_TLS_CA_FILE = HA_TLS.value("caFile").doc("file", "JDK's CAs",
            "PEM file of the CAs a standby trusts when it forwards heartbeats to an `https://` active (instances with `http.tls` on a private CA). With `http.tls.clientCaFile` set, the standby presents its own `http.tls` certificate to the active ([ha.md](ha.md#running-two-instances)).");

    // ------------------------------------------------------------------ collect, workers, actions (read at startup)

    static final ConfigKey<Void> COLLECT = ROOT.section("collect").restart();
    static final ConfigKey<Duration> COLLECT_CHANGES_INTERVAL = COLLECT.duration("changesInterval",
            CollectSettings.DEFAULT_CHANGES_INTERVAL).doc("duration", "`2s`",
            "How often the engine calls `get_changes`.");
    static final ConfigKey<Duration> COLLECT_ALL_INTERVAL = COLLECT.duration("allInterval", CollectSettings.DEFAULT_ALL_INTERVAL)
            .doc("duration", "`30s`",
            "How often the engine calls `get_all` (the first at start); a snapshot follows each.");
    static final ConfigKey<Duration> COLLECT_CALL_TIMEOUT = COLLECT.duration("callTimeout", CollectSettings.DEFAULT_CALL_TIMEOUT)
            .doc("duration", "`10s`",
            "Bound on one RPC to a remote collector.");
    static final ConfigKey<Void> COLLECT_COLLECTORS = COLLECT.value("collectors").doc("list of URLs", "`[]`",
            "Base URLs of `vigil collector` processes (`http://host:port`), called round-robin, a dead one skipped and retried. Empty: the in-process collector serves this file's datasources.");
    static final ConfigKey<Void> EVENT_QUEUE = COLLECT.valueOrSection("eventQueue").doc("`store` \\| `none` \\| `{type: kafka, bootstrapServers, topic, properties}`", "`store`",
            "Where collectors also write their answers: the store's table `collect_event_queue`, nowhere, or a Kafka topic (one record per datasource, keyed by its name; see docs/collect.md). `{type: store}` and `{type: none}` are the long forms.");
    static final ConfigKey<String> EVENT_QUEUE_TYPE = EVENT_QUEUE.oneOf("type", null, "store", "none", "kafka")
            .doc("`store` \\| `none` \\| `kafka`, **required** in the mapping form", "—", "Where collectors also write their answers (see `collect.eventQueue`).");
    static final ConfigKey<Void> EVENT_QUEUE_BOOTSTRAP_SERVERS = EVENT_QUEUE.value("bootstrapServers").only("kafka")
            .doc("text", "—", "`kafka` only, **required**: `host:port[,host:port…]`.");
    static final ConfigKey<Void> EVENT_QUEUE_TOPIC = EVENT_QUEUE.value("topic").only("kafka")
            .doc("text", "—", "`kafka` only, **required**: the topic collected events go to.");
    static final ConfigKey<Map<String, String>> EVENT_QUEUE_PROPERTIES = EVENT_QUEUE.textMap("properties").only("kafka")
            .doc("mapping text → text", "`{}`", "`kafka` only: producer properties passed through.");
    static final ConfigKey<Void> DATASOURCES = COLLECT.list("datasources");
    static final ConfigKey<Void> DATASOURCE_NAME = DATASOURCES.value("name").doc("text, **required**, unique", "—",
            "What `get_all`/`get_changes` take.");
    static final ConfigKey<String> DATASOURCE_TYPE = DATASOURCES.oneOf("type", "inventory", "inventory", "tcp", "http", "command", "ec2")
            .doc("`inventory` \\| `tcp` \\| `http` \\| `command` \\| `ec2`", "`inventory`",
            "How entities are found and checked (collect.md). `ec2`: Amazon EC2's DescribeInstances, cached.");
    static final ConfigKey<Void> DATASOURCE_PORT = DATASOURCES.value("port").doc("integer", "`22` (tcp), `80` (http)",
            "Port of the default check of type tcp or http.");
    static final ConfigKey<String> DATASOURCE_PATH = DATASOURCES.text("path").doc("text", "`/`",
            "Path of the default check of type http.");
    static final ConfigKey<Duration> DATASOURCE_TIMEOUT = DATASOURCES.duration("timeout", null).doc("duration", "`2s` (tcp, http), `20s` (ec2)",
            "tcp, http: timeout of the default check. `ec2`: the longest one DescribeInstances call (all pages) may take.");
    static final ConfigKey<Void> DATASOURCE_CHECK = DATASOURCES.value("check").doc("check", "—",
            "Default check of its entities (overrides type, port, path, timeout).");
    static final ConfigKey<Void> DATASOURCE_COMMAND = DATASOURCES.value("command").doc("list of words", "—",
            "Type command: a discovery command printing the entities as JSON (a cloud API stand-in).");
    static final ConfigKey<Duration> DATASOURCE_CACHE = DATASOURCES.duration("cache", null).doc("duration", "—",
            "Reuse the result for this long (slow or paid sources); keeps the ip → name mapping. `ec2`: `60s` when not given (`0s`: no cache).");
    static final ConfigKey<String> DATASOURCE_REGION = DATASOURCES.text("region").doc("text", "— (**required** for ec2)",
            "`ec2`: the AWS region to list (`eu-west-1`).");
    static final ConfigKey<String> DATASOURCE_ENDPOINT = DATASOURCES.url("endpoint").doc("http(s) URL", "the region's",
            "`ec2`: endpoint override (a VPC endpoint, a local stand-in of the EC2 query API).");
    static final ConfigKey<String> DATASOURCE_ACCESS_KEY_ID = DATASOURCES.text("accessKeyId").doc("text", "the SDK's default chain",
            "`ec2`: static credentials, with `secretAccessKey`. Without them: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, the profile, or the instance role.");
    static final ConfigKey<String> DATASOURCE_SECRET_ACCESS_KEY = DATASOURCES.text("secretAccessKey").doc("text (secret)", "—",
            "`ec2`: the secret of `accessKeyId`. Masked in `config check --json`, never logged, never in a collected entity or the clmgr document.");
    static final ConfigKey<Map<String, String>> DATASOURCE_FILTERS = DATASOURCES.textMap("filters").doc("mapping text → text", "`{}`",
            "`ec2`: DescribeInstances filters, name → value (`tag:cluster: db`, `instance-state-name: running`).");
    static final ConfigKey<String> DATASOURCE_MASTER_TAG = DATASOURCES.text("masterTag").doc("text", "`vigil:master`",
            "`ec2`: the tag whose value is an instance's master status in clmgr's `return.cloud` (else derived from the services on its ip).");
    static final ConfigKey<String> DATASOURCE_GROUP_TAG = DATASOURCES.text("groupTag").doc("text", "`vigil:group`",
            "`ec2`: the tag whose value is an instance's group.");
    static final ConfigKey<Void> INSTANCES = DATASOURCES.list("instances");
    static final ConfigKey<Void> INSTANCE_ID = INSTANCES.value("id").doc("text, **required**", "—",
            "Instance id, unique in the datasource.");
    static final ConfigKey<String> INSTANCE_IP = INSTANCES.text("ip").doc("text", "—",
            "Address its check connects to.");
    static final ConfigKey<String> INSTANCE_GROUP = INSTANCES.text("group").doc("text", "—",
            "Group name for the heartbeat `group` filter.");
    static final ConfigKey<Void> INSTANCE_CHECK = INSTANCES.value("check").doc("check", "datasource's",
            "Its own check.");
    static final ConfigKey<Void> SERVICES = DATASOURCES.list("services");
    static final ConfigKey<Void> SERVICE_NAME = SERVICES.value("name").doc("text, **required**", "—",
            "Service name, unique in the datasource.");
    static final ConfigKey<String> SERVICE_IP = SERVICES.text("ip").doc("text", "—",
            "Address.");
    static final ConfigKey<String> SERVICE_MODE = SERVICES.text("mode").doc("text", "—",
            "mariadb, memcache, mysql-proxy, keepalived, haproxy, ...");
    static final ConfigKey<String> SERVICE_STATUS = SERVICES.text("status").doc("text", "`na`",
            "master, slave or na.");
    static final ConfigKey<String> SERVICE_GROUP = SERVICES.text("group").doc("text", "—",
            "Group name.");
    static final ConfigKey<Void> SERVICE_CHECK = SERVICES.value("check").doc("check", "datasource's",
            "Its own check.");

    /** The keys of a check, wherever one is written (a datasource's default, an instance's or a service's own). */
    static final ConfigKey<Void> CHECK = ROOT.detachedScope("….check", "collect").restart();
    static final ConfigKey<String> CHECK_TYPE = CHECK.oneOf("type", null, "tcp", "http", "command", "database", "none")
            .doc("`tcp` \\| `http` \\| `command` \\| `database` \\| `none`, **required**", "—",
            "tcp: connect to ip:port; http: GET; command: exit code or JSON `{state,status,code}` on stdout; database: a JDBC connection that answers (else `ER0003`); none: `running`.");
    static final ConfigKey<Void> CHECK_PORT = CHECK.value("port").only("tcp", "http").doc("integer", "`22` (tcp), `80` (http)",
            "Port.");
    static final ConfigKey<Duration> CHECK_TIMEOUT = CHECK.duration("timeout", null).only("tcp", "http", "command", "database")
            .doc("duration", "`2s` (`10s` command)",
            "Bound on the check.");
    static final ConfigKey<Void> CHECK_URL = CHECK.value("url").only("http", "database").doc("URL", "—",
            "http: absolute URL instead of `http://ip:port/path`. database, **required**: JDBC URL, `{ip}` = the entity's ip.");
    static final ConfigKey<String> CHECK_PATH = CHECK.text("path").only("http").doc("text", "`/`",
            "http: path.");
    static final ConfigKey<Void> CHECK_EXPECT_STATUS = CHECK.value("expectStatus").only("http").doc("integer", "any 2xx",
            "http: the status that passes.");
    static final ConfigKey<String> CHECK_FIELD = CHECK.text("field").only("http").doc("text (dot path)", "—",
            "http: JSON field of the body that must equal `expect`.");
    static final ConfigKey<String> CHECK_EXPECT = CHECK.text("expect").only("http").doc("text", "`UP`",
            "http: expected value of `field` (case-insensitive).");
    static final ConfigKey<Void> CHECK_COMMAND = CHECK.value("command").only("command").doc("list of words", "—",
            "command: the program and its arguments (env `VIGIL_ENTITY_NAME`, `VIGIL_ENTITY_IP`, `VIGIL_ENTITY_TYPE`).");
    static final ConfigKey<String> CHECK_USER = CHECK.text("user").only("database").doc("text", "—",
            "database: user.");
    static final ConfigKey<String> CHECK_PASSWORD = CHECK.text("password").only("database").doc("text (secret)", "—",
            "database: password; masked in `config check --json`.");

    static final ConfigKey<Void> WORKERS = ROOT.list("workers").restartAs("collect").inTable("collect");
    static final ConfigKey<String> WORKER_TYPE = WORKERS.oneOf("type", null, "script", "webhook", "kafka").doc("`script` \\| `webhook` \\| `kafka`, **required**", "—",
            "Where status-change events go, each through the outbox with its own relay.");
    static final ConfigKey<Void> WORKER_COMMAND = WORKERS.value("command").only("script").doc("list of words", "—",
            "script: the events JSON on stdin; exit 0 accepts, else retried. A text value is split on spaces.");
    static final ConfigKey<Duration> WORKER_TIMEOUT = WORKERS.duration("timeout", WorkerSpec.Script.DEFAULT_TIMEOUT).only("script")
            .doc("duration", "`30s`",
            "script: bound on one run.");
    static final ConfigKey<Void> WORKER_URL = WORKERS.value("url").only("webhook").doc("URL", "—",
            "webhook: `POST url`; 2xx accepts.");
    static final ConfigKey<Map<String, String>> WORKER_HEADERS = WORKERS.textMap("headers").only("webhook").doc("map", "`{}`",
            "webhook: extra request headers.");
    static final ConfigKey<Void> WORKER_BOOTSTRAP_SERVERS = WORKERS.value("bootstrapServers").only("kafka")
            .doc("text", "—",
            "kafka: `host:port[,…]`.");
    static final ConfigKey<Void> WORKER_TOPIC = WORKERS.value("topic").only("kafka").doc("text", "—",
            "kafka: topic.");
    static final ConfigKey<Map<String, String>> WORKER_PROPERTIES = WORKERS.textMap("properties").only("kafka")
            .doc("map", "`{}`",
            "kafka: producer properties.");

    static final ConfigKey<Void> ACTIONS = ROOT.named("actions").restartAs("collect").inTable("collect");
    static final ConfigKey<Void> ACTION_COMMAND = ACTIONS.value("command").doc("list of words", "—",
            "A command action: `{\"event\",\"action\"}` on stdin, `VIGIL_ACTION`, `VIGIL_GROUP`, `VIGIL_LEVEL` in its environment.");
    static final ConfigKey<String> ACTION_WEBHOOK = ACTIONS.url("webhook").doc("URL", "—",
            "A webhook action (give command or webhook).");
    static final ConfigKey<Duration> ACTION_TIMEOUT = ACTIONS.duration("timeout", ActionSpec.DEFAULT_TIMEOUT).doc("duration", "`60s`",
            "Bound on one run.");

    // ------------------------------------------------------------------ silences[], dependencies[]

    static final ConfigKey<Void> SILENCES = ROOT.list("silences");
    static final ConfigKey<Void> SILENCE_MATCHERS = SILENCES.section("matchers");
    static final ConfigKey<Void> SILENCE_MATCHER_EVENT_NAME = SILENCE_MATCHERS.value("eventName").doc("text", "any",
            "eventName to match; a trailing `*` matches a prefix, `*` alone any. At least one of the two matchers is **required**: to silence every source, write `eventName: \"*\"`.");
    static final ConfigKey<Void> SILENCE_MATCHER_SOURCE_NAME = SILENCE_MATCHERS.value("sourceName").doc("text", "any",
            "sourceName to match, same syntax.");
    static final ConfigKey<String> SILENCE_COMMENT = SILENCES.text("comment").doc("text", "null",
            "Why (shown by `GET /api/v1/silences` and in the held events' reason).");
    static final ConfigKey<Void> SILENCE_STARTS_AT = SILENCES.value("startsAt").doc("ISO-8601 time", "—",
            "One window: start (inclusive).");
    static final ConfigKey<Void> SILENCE_ENDS_AT = SILENCES.value("endsAt").doc("ISO-8601 time", "—",
            "One window: end (exclusive); at most `detection.maxSilenceDuration` after `startsAt`.");
    static final ConfigKey<Void> SILENCE_DAYS = SILENCES.value("days").doc("list of `mon` … `sun`", "every day",
            "Recurring: the days on which a window starts.");
    static final ConfigKey<Void> SILENCE_START = SILENCES.value("start").doc("local time `HH:MM`", "—",
            "Recurring: when each window starts, in `timeZone`.");
    static final ConfigKey<Duration> SILENCE_DURATION = SILENCES.duration("duration", null).doc("duration ≤ 7d", "—",
            "Recurring: how long each window lasts (may cross midnight).");
    static final ConfigKey<String> SILENCE_TIME_ZONE = SILENCES.text("timeZone").doc("zone id", "`UTC`",
            "Recurring: the time zone of `start` (e.g. `Europe/Paris`).");

    static final ConfigKey<Void> DEPENDENCIES = ROOT.list("dependencies");
    static final ConfigKey<Void> DEPENDENCY_CHILD = DEPENDENCIES.section("child");
    static final ConfigKey<Void> DEPENDENCY_CHILD_EVENT_NAME = DEPENDENCY_CHILD.value("eventName").doc("text", "any",
            "eventName of the dependent sources (trailing `*` allowed).");
    static final ConfigKey<Void> DEPENDENCY_CHILD_SOURCE_NAME = DEPENDENCY_CHILD.value("sourceName").doc("text", "any",
            "sourceName of the dependent sources (trailing `*` allowed, e.g. `vnf-site-a-*`).");
    static final ConfigKey<Void> DEPENDENCY_PARENT = DEPENDENCIES.section("parent");
    static final ConfigKey<Void> DEPENDENCY_PARENT_EVENT_NAME = DEPENDENCY_PARENT.value("eventName").doc("text, **required**", "—",
            "The parent's eventName.");
    static final ConfigKey<Void> DEPENDENCY_PARENT_SOURCE_NAME = DEPENDENCY_PARENT.value("sourceName")
            .doc("text, **required**", "—",
            "The parent's sourceName (exact).");

    // ------------------------------------------------------------------ limits

    static final ConfigKey<Void> LIMITS = ROOT.section("limits");
    static final ConfigKey<Integer> LIMITS_NAME_LENGTH = LIMITS.integer("nameLength", 1, IngestLimits.MAX_NAME_LENGTH,
            IngestLimits.MAX_NAME_LENGTH).doc("integer 1–255", "`255`",
            "Longest `eventName` and `sourceName`, in UTF-16 code units (a character outside the Basic Multilingual Plane counts twice); 255 is the size of the store's name columns. A longer name, or one holding a non-printable character, is refused: `400` naming the field over HTTP, counted (and dead-lettered where the channel has a dead-letter topic) on DMaaP and Kafka.");
    static final ConfigKey<Integer> LIMITS_MAX_SOURCES = LIMITS.integer("maxSources", 1, Integer.MAX_VALUE,
            (int) IngestLimits.DEFAULT_MAX_SOURCES).doc("integer ≥ 1", "`2000000`",
            "Most sources tracked at once, all monitors together. A heartbeat of a new source past it is refused (`429` over HTTP, `vigil_ingest_heartbeats_total{result=\"source_limit\"}` on every channel); known sources keep working. A WARN line at most once a minute.");
    static final ConfigKey<Integer> LIMITS_NEW_SOURCES_PER_SECOND = LIMITS.integer("newSourcesPerSecond", 1, Integer.MAX_VALUE,
            IngestLimits.DEFAULT_NEW_SOURCES_PER_SECOND).doc("integer ≥ 1", "`10000`",
            "Most new sources taken per second (a token bucket holding one second's worth). Past it, as for `maxSources`. Raise it for a planned mass onboarding or a load test (`vigil send --sources N` with N above it reports the refused ones as `HTTP 429` failures).");

    // ------------------------------------------------------------------ peers[] (read at startup)

    static final ConfigKey<Void> PEERS = ROOT.list("peers").restart();
    static final ConfigKey<Void> PEER_NAME = PEERS.value("name").doc("text, **required**", "—",
            "Names the endpoint in `/api/v1/peers`, `vigil peers`, metrics (`endpoint` label) and logs. Unique.");
    static final ConfigKey<String> PEER_TYPE = PEERS.oneOf("type", null, "server", "client", "multicast")
            .doc("`server` \\| `client` \\| `multicast`, **required**", "—", "What the adapter starts.");
    static final ConfigKey<Void> PEER_HOSTNAME = PEERS.value("hostname").doc("text", "server: `0.0.0.0`; else **required**",
            "Server: bind address. Client: the peer server's host. Multicast: the group address.");
    static final ConfigKey<Void> PEER_PORT = PEERS.value("port").doc("integer, **required**", "—",
            "TCP port (a server may use `0`: any free port, shown as `localPort` in `/api/v1/peers`) or the group's UDP port.");
    static final ConfigKey<Void> PEER_NETWORK_INTERFACE = PEERS.value("networkInterface").doc("text", "OS default",
            "Multicast: interface name or address to join and send on. Name it (see [peer.md](peer.md#multicast-on-lo-and-on-real-networks)).");
    static final ConfigKey<Void> PEER_HEARTBEAT_INTERVAL = PEERS.value("heartbeatInterval").doc("duration with a unit", "`1000ms`",
            "How often each side sends a heartbeat. A bare number is refused (the standalone adapter counts milliseconds, the rest of this file seconds).");
    static final ConfigKey<Void> PEER_HEARTBEAT_TIMEOUT = PEERS.value("heartbeatTimeout").doc("duration with a unit, ≥ 0", "`2000ms`",
            "Silence beyond the interval before the adapter reports a `timeout`.");
    static final ConfigKey<Integer> PEER_RECONNECT_ATTEMPTS = PEERS.integer("reconnectAttempts", 0, Integer.MAX_VALUE,
            io.vigil.peer.PeerProperties.DEFAULT_RECONNECT_ATTEMPTS).doc("integer ≥ 0", "`0`",
            "Client: attempts after a timeout before giving up; multicast: retries of a failed group join. In a server give a client many: once it gave up it stays `DISCONNECTED` until `vigil peers command NAME '{\"command\":\"stop\"}'` and a start.");
    static final ConfigKey<Void> PEER_RECONNECT_SLEEP = PEERS.value("reconnectSleep").doc("duration with a unit", "`5000ms`",
            "Pause between attempts.");
    static final ConfigKey<Void> PEER_ENDPOINT_ID = PEERS.value("endpointId").doc("text", "none (**required** for multicast)",
            "This endpoint's id, sent in every frame; also this node's `sourceName` in its own `LEADERSHIP` events (else `name`).");
    static final ConfigKey<Void> PEER_SHARED_SECRET = PEERS.value("sharedSecret").doc("text (secret)", "none",
            "HMAC-SHA256 key of every frame; both sides need the same. Masked in `config check --json`, never logged.");
    static final ConfigKey<Integer> PEER_QUORUM = PEERS.integer("quorum", 1, Integer.MAX_VALUE, 1).doc("integer ≥ 1", "`1`",
            "Multicast: fewest live members that may elect a leader.");
    static final ConfigKey<Integer> PEER_SERVER_EVENT_LOOPS = PEERS.integer("serverEventLoops", 1, 64,
            io.vigil.peer.PeerProperties.DEFAULT_SERVER_EVENT_LOOPS).doc("integer 1–64", "one per core, at most 4",
            "Server: event loops sharing the client connections.");
    static final ConfigKey<Integer> PEER_SERVER_MAX_CONNECTIONS = PEERS.integer("serverMaxConnections", 1, Integer.MAX_VALUE,
            io.vigil.peer.PeerProperties.DEFAULT_SERVER_MAX_CONNECTIONS).doc("integer ≥ 1", "`10000`",
            "Server: most client connections open at once.");
    static final ConfigKey<Boolean> PEER_START_WITH_APPLICATION = PEERS.bool("startWithApplication", true).doc("boolean", "`true`",
            "`false` (\"Start with application: No\"): loaded, started only by `vigil peers command NAME '{\"command\":\"resume\"}'` (`POST /api/v1/peers/{name}/command`).");
    static final ConfigKey<Void> PEER_EVENT_NAME = PEERS.value("eventName").doc("text", "`name`",
            "The monitor whose sources the peers are. Without a `monitors[]` entry of that eventName one is made: `heartbeatInterval` = the endpoint's, `missedHeartbeats` = ⌈(interval + timeout) / interval⌉, `timeBase: arrival`, so the ONSET comes when the adapter reports the timeout. Declare the monitor to set closed-loop fields or another missed count.");

    // ------------------------------------------------------------------ listing

    /** The tables of docs/configuration.md, in the docs' order. */
    public static final List<String> TABLES = List.of("http", "store", "monitors", "ingest", "publish", "config", "detection",
            "silences", "dependencies", "ha", "limits", "peers", "collect");

    /** Every declared key and section, depth first in declaration order. */
    public static List<ConfigKey<?>> all() {
        List<ConfigKey<?>> all = ROOT.tree();
        return all.subList(1, all.size());
    }

    /** The keys with a row in the docs, in declaration order. */
    public static List<ConfigKey<?>> documented() {
        return all().stream().filter(ConfigKey::isDocumented).toList();
    }

    /** The top-level section names, in declaration order. */
    public static java.util.Set<String> topLevel() {
        return ROOT.names();
    }

    /**
     * The block of docs/configuration.md that lists one table's keys: a start marker, {@link #markdownTable}, an end
     * marker. The docs hold one such block per table of {@link #TABLES}; {@code ConfigKeysDocsTest} checks them.
     */
    public static String markdownBlock(String table) {
        return markerOf(table) + "\n" + markdownTable(table) + END_MARKER;
    }

    /** The line that opens the generated block of {@code table} in docs/configuration.md. */
    public static String markerOf(String table) {
        return "<!-- config-keys: " + table + " (generated from io.vigil.config.ConfigKeys: edit there, then ./vigil config keys --markdown) -->";
    }

    /** The line that closes a generated block. */
    public static final String END_MARKER = "<!-- /config-keys -->";

    /** The Markdown table of one docs table ({@link #TABLES}): header and one row per documented key. */
    public static String markdownTable(String table) {
        StringBuilder out = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (ConfigKey<?> k : documented()) {
            if (!k.table().equals(table)) continue;
            out.append("| `").append(k.path()).append("` | ").append(k.type()).append(" | ").append(k.defaultText())
                    .append(" | ").append(k.doc()).append(" |\n");
        }
        return out.toString();
    }
}
