package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vigil.http.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil send}: sends VES heartbeats for N sources, at a rate, to a VES listener URL, or with
 * {@code --kafka BOOTSTRAP --topic T} produces them into a Kafka topic (one record per event, or eventList records with
 * {@code --batch}). The demo tool and the HTTP/Kafka load generator of the benchmarks.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send VES heartbeats for N sources at a rate (demo and load generator).",
                "Each round sends one heartbeat per source; --count or --duration bound the run."})
public final class SendCommand implements Callable<Integer> {
    @Mixin
    ServerClient client;

    @Option(names = "--url", paramLabel = "URL", description = "VES listener URL (default: SERVER/eventListener/v7, or .../eventBatch with --batch > 1)")
    String url;

    @Option(names = {"-e", "--event-name"}, paramLabel = "NAME", defaultValue = "Heartbeat_demo", description = "eventName (default: ${DEFAULT-VALUE})")
    String eventName;

    @Option(names = {"-n", "--sources"}, paramLabel = "N", defaultValue = "1", description = "number of sources (default: ${DEFAULT-VALUE})")
    int sources;

    @Option(names = "--source-prefix", paramLabel = "P", defaultValue = "source-", description = "source names are P0, P1, ... (default: ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = {"-r", "--rate"}, paramLabel = "R", defaultValue = "0", description = "heartbeats per second in all; 0 = as fast as possible (default)")
    double rate;

    @Option(names = "--count", paramLabel = "C", description = "total heartbeats to send (default: one per source)")
    Long count;

    @Option(names = "--duration", paramLabel = "D", description = "send for this long (e.g. 30s, 5m) instead of --count")
    String duration;

    @Option(names = {"-b", "--batch"}, paramLabel = "B", defaultValue = "1", description = "events per request; > 1 uses eventBatch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--connections", paramLabel = "K", defaultValue = "16", description = "keep-alive connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "produce to Kafka (host:port[,...]) instead of HTTP; needs --topic")
    String kafka;

    @Option(names = "--topic", paramLabel = "T", description = "Kafka topic, e.g. unauthenticated.SEC_HEARTBEAT_OUTPUT (with --kafka)")
    String topic;

    @Option(names = "--kafka-property", paramLabel = "K=V", description = "Kafka producer property (repeatable), e.g. security.protocol=SASL_SSL")
    java.util.Map<String, String> kafkaProperties = new java.util.LinkedHashMap<>();

    @Option(names = "--user", description = "HTTP basic auth user")
    String user;

    @Option(names = "--password", description = "HTTP basic auth password")
    String password;

    public SendCommand() {
    }

    @Override
    public Integer call() throws Exception {
        if (sources < 1 || batch < 1 || connections < 1 || rate < 0) {
            System.err.println("vigil send: --sources, --batch and --connections must be >= 1 and --rate >= 0");
            return 2;
        }
        long deadlineNanos = Long.MAX_VALUE;
        long total = count != null ? count : sources;
        if (duration != null) {
            Duration d;
            try {
                d = io.vigil.config.DurationSyntax.parse(duration);
            } catch (RuntimeException e) {
                System.err.println("vigil send: --duration: " + e.getMessage());
                return 2;
            }
            deadlineNanos = System.nanoTime() + d.toNanos();
            if (count == null) total = Long.MAX_VALUE;
        }
        if (kafka != null || topic != null) {
            if (kafka == null || topic == null) {
                System.err.println("vigil send: --kafka and --topic go together");
                return 2;
            }
            return sendToKafka(total, deadlineNanos);
        }
        String target = url != null ? url : client.base() + (batch > 1 ? "/eventListener/v7/eventBatch" : "/eventListener/v7");
        URI uri = URI.create(target);
        Vertx vertx = Vertx.vertx();
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setSsl(tls);
        if (tls && client.cacert() != null) options.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(client.cacert().toString()));
        HttpClient http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections));
        String auth = user != null ? "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))
                : client.token() != null ? "Bearer " + client.token() : null;
        Semaphore inFlight = new Semaphore(connections * 2);
        LongAdder ok = new LongAdder(), failed = new LongAdder();
        AtomicLong firstError = new AtomicLong();
        String[] lastError = {null};
        long start = System.nanoTime();
        long sent = 0;
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        while (sent < total && System.nanoTime() < deadlineNanos) {
            int n = (int) Math.min(batch, total - sent);
            if (rate > 0) {
                long due = start + (long) (sent / rate * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
            }
            Buffer body = Buffer.buffer(body(sent, n));
            inFlight.acquire();
            RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(port).setURI(path)
                    .putHeader("Content-Type", "application/json");
            if (auth != null) ro.putHeader("Authorization", auth);
            final int events = n;
            http.request(ro).compose(req -> req.send(body)).onComplete(ar -> {
                if (ar.succeeded() && ar.result().statusCode() == 202) {
                    ok.add(events);
                } else {
                    failed.add(events);
                    if (firstError.compareAndSet(0, 1)) {
                        lastError[0] = ar.succeeded() ? "HTTP " + ar.result().statusCode() : String.valueOf(ar.cause());
                    }
                }
                inFlight.release(); // last: the final acquire below must see every count
            });
            sent += n;
        }
        inFlight.acquire(connections * 2);
        double secs = (System.nanoTime() - start) / 1e9;
        var summary = Json.object().put("url", target).put("sent", sent).put("accepted", ok.sum()).put("failed", failed.sum())
                .put("seconds", Math.round(secs * 1000) / 1000.0).put("heartbeatsPerSecond", Math.round(sent / secs));
        if (lastError[0] != null) summary.put("firstError", lastError[0]);
        System.out.println(client.json() ? Json.write(summary) : String.format(
                "sent %d heartbeats in %.2f s (%.0f/s): %d accepted, %d failed%s", sent, secs, sent / secs, ok.sum(), failed.sum(),
                lastError[0] == null ? "" : " (first error: " + lastError[0] + ")"));
        http.close().await(5, TimeUnit.SECONDS);
        vertx.close().await(5, TimeUnit.SECONDS);
        return failed.sum() == 0 ? 0 : 1;
    }

    /**
     * Produces {@code total} heartbeats into the topic: one record per {@code --batch} events (an eventList when
     * > 1), key = the source name for single events. The producer is idempotent with acks=all and one request in
     * flight, and every send's callback is counted: the summary's "accepted" means written to the topic.
     */
    private int sendToKafka(long total, long deadlineNanos) throws InterruptedException {
        java.util.Properties p = new java.util.Properties();
        p.put("linger.ms", "5");
        p.put("batch.size", "1048576");
        p.put("compression.type", "lz4");
        p.putAll(kafkaProperties);
        p.put("bootstrap.servers", kafka);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.in.flight.requests.per.connection", "1"); // more in flight lost records right after topic creation
        LongAdder ok = new LongAdder(), failed = new LongAdder();
        String[] firstError = {null};
        long start = System.nanoTime();
        long sent = 0;
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            while (sent < total && System.nanoTime() < deadlineNanos) {
                int n = (int) Math.min(batch, total - sent);
                if (rate > 0) {
                    long wait = start + (long) (sent / rate * 1e9) - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                }
                String key = batch == 1 ? prefix + (sent % sources) : null;
                final int events = n;
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, body(sent, n)), (md, error) -> {
                    if (error == null) {
                        ok.add(events);
                    } else {
                        failed.add(events);
                        synchronized (firstError) {
                            if (firstError[0] == null) firstError[0] = error.toString();
                        }
                    }
                });
                sent += n;
            }
            producer.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            System.err.println("vigil send: Kafka producer for " + kafka + " failed: " + e.getMessage());
            return 1;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        var summary = Json.object().put("kafka", kafka).put("topic", topic).put("sent", sent).put("accepted", ok.sum())
                .put("failed", failed.sum()).put("seconds", Math.round(secs * 1000) / 1000.0).put("heartbeatsPerSecond", Math.round(sent / secs));
        if (firstError[0] != null) summary.put("firstError", firstError[0]);
        System.out.println(client.json() ? Json.write(summary) : String.format(
                "produced %d heartbeats to %s in %.2f s (%.0f/s): %d written, %d failed%s", sent, topic, secs, sent / secs, ok.sum(),
                failed.sum(), firstError[0] == null ? "" : " (first error: " + firstError[0] + ")"));
        return failed.sum() == 0 ? 0 : 1;
    }

    private String body(long seq, int n) {
        long micros = System.currentTimeMillis() * 1000;
        StringBuilder sb = new StringBuilder(600 * n + 20);
        sb.append(n == 1 && batch == 1 ? "{\"event\":" : "{\"eventList\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            String src = prefix + ((seq + i) % sources);
            sb.append("{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"").append(eventName)
                    .append("\",\"eventId\":\"hb-").append(seq + i).append("\",\"sequence\":").append(seq + i)
                    .append(",\"priority\":\"Normal\",\"reportingEntityName\":\"").append(src)
                    .append("\",\"sourceName\":\"").append(src).append("\",\"sourceId\":\"").append(src)
                    .append("\",\"startEpochMicrosec\":").append(micros).append(",\"lastEpochMicrosec\":").append(micros)
                    .append(",\"version\":\"4.0.1\",\"vesEventListenerVersion\":\"7.0.1\"},")
                    .append("\"heartbeatFields\":{\"heartbeatFieldsVersion\":\"3.0\",\"heartbeatInterval\":60}}");
        }
        sb.append(n == 1 && batch == 1 ? "}" : "]}");
        return sb.toString();
    }
}
