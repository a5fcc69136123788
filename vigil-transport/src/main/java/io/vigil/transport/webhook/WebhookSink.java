package io.vigil.transport.webhook;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import io.vigil.secret.Secrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Sends each change event as one HTTP {@code POST url} with the record's JSON payload as body,
 * {@code Content-Type: application/json} and the configured extra headers; with {@link Batching} several events go
 * as one JSON array. A 2xx answer acknowledges the request's events; any other status, a connection error or the
 * timeout fails the delivery (the relay sends the same events again).
 *
 * <p>Credentials in the URL ({@code http://user:pass@host/path}) are sent as HTTP basic auth (unless an
 * {@code Authorization} header is configured) and never shown: the sink's name and every message carry the URL with
 * them masked ({@link Secrets#redactUrl}).
 *
 * <p>The timeout bounds the whole exchange (connect, send, response and body). The sink holds up to
 * {@link #IN_FLIGHT} keep-alive connections, one per request the relay has in flight. Thread-safe.
 */
public class WebhookSink implements Sink {

    /** Default bound on one delivery. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Requests in flight at once (each on its own kept-alive connection). The relay never has two in flight that
     * carry events of the same source, so per-source order holds.
     */
    public static final int IN_FLIGHT = 4;

    /**
     * How events are grouped into requests.
     *
     * @param maxEvents  most events per request (1: one per request)
     * @param maxDelay   how long the first event of a request may wait for more
     * @param arrayForOne a request of one event is a JSON array of one too (a webhook that opted in to batches
     *                    always gets arrays); false: a single event goes as the bare JSON object
     */
    public record Batching(int maxEvents, Duration maxDelay, boolean arrayForOne) {
        /** One JSON object per request: the webhook default. */
        public static final Batching ONE_PER_REQUEST = new Batching(1, Duration.ZERO, false);

        public Batching {
            if (maxEvents < 1) throw new IllegalArgumentException("maxEvents must be >= 1, got " + maxEvents);
            if (maxDelay.isNegative()) throw new IllegalArgumentException("maxDelay must be >= 0, got " + maxDelay);
        }
    }

    private final String name;
    private final URI url;
    private final Map<String, String> headers;
    private final long timeoutMillis;
    private final HttpClientAgent client;
    private final Batching batching;
    /** Every exchange starts on this one context; see {@link #deliver}. */
    private final Context context;

    /**
     * @param vertx   the application's shared Vert.x instance (not closed by this sink)
     * @param name    unique sink name; the outbox keeps this sink's delivery cursor under it, so keep it stable
     * @param url     absolute http(s) URL to POST to
     * @param headers extra request headers (e.g. {@code Authorization}); may be empty
     * @param timeout bound on one delivery
     */
    public WebhookSink(Vertx vertx, String name, URI url, Map<String, String> headers, Duration timeout) {
        this(vertx, name, url, headers, timeout, null);
    }

    /**
     * @param caFile PEM CA certificate(s) to trust for an {@code https://} URL (a private CA), or null for the JDK's
     */
    public WebhookSink(Vertx vertx, String name, URI url, Map<String, String> headers, Duration timeout, java.nio.file.Path caFile) {
        this(vertx, name, url, headers, timeout, caFile, Batching.ONE_PER_REQUEST);
    }

    /** @param batching how many events go in one request ({@link Batching#ONE_PER_REQUEST}: one JSON object each) */
    public WebhookSink(Vertx vertx, String name, URI url, Map<String, String> headers, Duration timeout,
                       java.nio.file.Path caFile, Batching batching) {
        this.batching = Objects.requireNonNull(batching, "batching");
        this.name = Secrets.redactUrl(Objects.requireNonNull(name, "name"));
        URI checked = requireHttpUrl(url);
        this.url = withoutUserInfo(checked);
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (checked.getUserInfo() != null && all.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
            // http://user:pass@host/…: the credentials go as HTTP basic auth, never in the request line or a log
            all.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    checked.getUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        this.headers = Map.copyOf(all);
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("sink timeout must be > 0, got " + timeout);
        this.timeoutMillis = timeout.toMillis();
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(trusting(
                new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)), caFile),
                new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
    }

    /** {@code options} that trust the CAs of {@code caFile} (PEM) instead of the JDK's; unchanged when null. */
    public static HttpClientOptions trusting(HttpClientOptions options, java.nio.file.Path caFile) {
        if (caFile == null) return options;
        return options.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(caFile.toString()));
    }

    /** A webhook named {@code webhook:<url>} (credentials masked) with the default timeout. */
    public WebhookSink(Vertx vertx, URI url, Map<String, String> headers) {
        this(vertx, "webhook:" + url, url, headers, DEFAULT_TIMEOUT);
    }

    @Override
    public String name() {
        return name;
    }

    /** The URL this sink posts to, without user info (that goes as an {@code Authorization} header). */
    public URI url() {
        return url;
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        // The relay calls from its own thread. Issued from a non-Vert.x thread, each request would get a fresh
        // context, and with Vert.x 5.0.7 about one request in a thousand then stalled in the connection pool until
        // the timeout; starting every exchange on one context avoids it (measured: 0 stalls in 5000).
        return send(batching.arrayForOne() ? "[" + record.payload() + "]" : record.payload());
    }

    /** One request: a JSON array of the records' payloads (a bare object for one record unless arrays were asked for). */
    @Override
    public CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
        if (records.size() == 1) return deliver(records.getFirst());
        int length = 2;
        for (OutboxRecord r : records) length += r.payload().length() + 1;
        StringBuilder body = new StringBuilder(length).append('[');
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) body.append(',');
            body.append(records.get(i).payload());
        }
        return send(body.append(']').toString());
    }

    @Override
    public int maxBatch() {
        return batching.maxEvents();
    }

    @Override
    public long maxBatchDelayMillis() {
        return batching.maxDelay().toMillis();
    }

    @Override
    public int maxInFlight() {
        return IN_FLIGHT;
    }

    private CompletionStage<Void> send(String body) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> exchange(body).onComplete(done));
        return done.future().toCompletionStage();
    }

    private Future<Void> exchange(String body) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url.toString())
                // No per-request connect timeout: in Vert.x 5.0.7 its pool-wait timer races with connection reuse and
                // stalls about one request in a thousand; the client-wide connect timeout and the overall timeout bound it.
                // Closes a connection on which the receiver went silent, so the next attempt starts clean.
                .setIdleTimeout(timeoutMillis);
        headers.forEach(options::putHeader);
        options.putHeader("Content-Type", "application/json");
        Future<Void> exchange = client.request(options)
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> response.body().compose(answer -> {
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) return Future.<Void>succeededFuture();
                    return Future.<Void>failedFuture(new DeliveryRejectedException(name, status, answer.toString()));
                }));
        return exchange.timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .recover(error -> Future.failedFuture(describe(error)));
    }

    private Throwable describe(Throwable error) {
        if (error instanceof DeliveryRejectedException) return error;
        return new DeliveryFailedException("POST " + url + " for sink '" + name + "' failed: " + error, error);
    }

    /** Releases the connection; the shared Vert.x instance stays open. */
    @Override
    public void close() {
        client.close();
    }

    private static URI withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) return url;
        String raw = url.toString();
        int at = raw.indexOf('@', raw.indexOf("://") + 3);
        return URI.create(raw.substring(0, raw.indexOf("://") + 3) + raw.substring(at + 1));
    }

    private static URI requireHttpUrl(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || url.getHost() == null) {
            throw new IllegalArgumentException("sink url must be an absolute http(s) URL such as http://host:3904/events/TOPIC, got: "
                    + Secrets.redactUrl(url.toString()));
        }
        return url;
    }

    /** The receiver answered with a non-2xx status. */
    public static final class DeliveryRejectedException extends RuntimeException {
        private final int status;

        DeliveryRejectedException(String sink, int status, String body) {
            super("sink '" + sink + "' answered HTTP " + status + (body.isBlank() ? "" : ": " + abbreviate(body)), null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }

        private static String abbreviate(String body) {
            String oneLine = body.replaceAll("\\s+", " ").strip();
            return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
        }
    }

    /** The exchange did not complete: connection refused or reset, or the timeout passed. */
    public static final class DeliveryFailedException extends RuntimeException {
        DeliveryFailedException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
