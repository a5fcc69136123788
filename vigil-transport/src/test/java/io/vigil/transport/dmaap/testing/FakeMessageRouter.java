package io.vigil.transport.dmaap.testing;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A DMaaP Message Router stand-in on 127.0.0.1 for tests, built on Vert.x's HTTP server.
 *
 * <ul>
 *   <li>{@code GET /events/{topic}/{group}/{consumer}?timeout=ms&limit=n}: answers at once with up to {@code limit}
 *       queued items as a JSON array; with an empty queue it holds the request open (long poll) until an item is
 *       queued or {@code timeout} passes (capped by {@link #setMaxWait}), then answers {@code []}. All consumers of a
 *       topic share one queue (one consumer group).</li>
 *   <li>{@code POST /events/{topic}}: records body and headers under the topic, answers 200
 *       {@code {"serverTimeMs":0,"count":1}}. A POST to any other path is recorded under that path (webhooks).</li>
 *   <li>Failure on demand: {@link #failWith} (every request gets that status), {@link #failByClosing} (connections are
 *       closed without an answer), {@link #hang} (requests never answered), {@link #answerNextPollWith} (one scripted
 *       answer), {@link #down}/{@link #up} (the port refuses connections, then listens again), {@link #heal}.</li>
 *   <li>{@link #requireBasicAuth}: requests without those credentials get 401.</li>
 * </ul>
 * Thread-safe: tests call it from their own thread while Vert.x serves requests.
 */
public final class FakeMessageRouter implements AutoCloseable {

    /** One POST the fake received. Header names are lower-case. */
    public record Published(String body, Map<String, String> headers) {
    }

    /** One GET the fake received. Header names are lower-case. */
    public record Poll(String topic, String group, String consumer, Map<String, String> query, Map<String, String> headers) {
    }

    private enum Mode { NORMAL, STATUS, CLOSE, HANG }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final Context context;
    private HttpServer server;
    private int port;

    // Guarded by `this`.
    private final Map<String, Deque<String>> queues = new HashMap<>();
    private final Map<String, List<Published>> published = new HashMap<>();
    private final Map<String, List<Poll>> polls = new HashMap<>();
    private final List<Parked> parked = new ArrayList<>();
    private final Deque<int[]> scriptedStatuses = new ArrayDeque<>();
    private final Deque<String> scriptedBodies = new ArrayDeque<>();
    private Mode mode = Mode.NORMAL;
    private int failStatus;
    private String failBody = "";
    private long maxWaitMillis = Long.MAX_VALUE;
    private String requiredAuthorization;

    private record Parked(HttpServerRequest request, String topic, int limit, long timerId) {
    }

    private FakeMessageRouter(Vertx vertx, boolean ownsVertx) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.context = vertx.getOrCreateContext();
    }

    /** Starts on a free port of 127.0.0.1 with its own Vert.x instance (closed by {@link #close()}). */
    public static FakeMessageRouter start() {
        return start(Vertx.vertx(), true);
    }

    /** Starts on a free port of 127.0.0.1 using the caller's Vert.x instance. */
    public static FakeMessageRouter start(Vertx vertx) {
        return start(vertx, false);
    }

    private static FakeMessageRouter start(Vertx vertx, boolean ownsVertx) {
        FakeMessageRouter mr = new FakeMessageRouter(vertx, ownsVertx);
        mr.listen(0);
        return mr;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>/events/<topic>}: what ONAP's config calls the topic_url. */
    public URI topicUrl(String topic) {
        return URI.create("http://127.0.0.1:" + port + "/events/" + topic);
    }

    /** Any URL on this server, e.g. a webhook path {@code /hooks/a}. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Queues events the way MR delivers them: each becomes a JSON string holding the serialised event. */
    public void enqueue(String topic, String... events) {
        List<String> items = new ArrayList<>(events.length);
        for (String event : events) items.add(Json.encode(event));
        enqueueRaw(topic, items);
    }

    /** Queues array items verbatim (a JSON object, a number, anything): each string must be one JSON value. */
    public void enqueueRawItems(String topic, String... jsonItems) {
        enqueueRaw(topic, List.of(jsonItems));
    }

    private void enqueueRaw(String topic, List<String> items) {
        synchronized (this) {
            queues.computeIfAbsent(topic, t -> new ArrayDeque<>()).addAll(items);
        }
        context.runOnContext(v -> serveParked(topic));
    }

    /** Items still queued for {@code topic}. */
    public synchronized int queued(String topic) {
        Deque<String> queue = queues.get(topic);
        return queue == null ? 0 : queue.size();
    }

    /** Bodies and headers POSTed to {@code topic} (or to a non-MR path), in arrival order. */
    public synchronized List<Published> published(String topic) {
        return List.copyOf(published.getOrDefault(topic, List.of()));
    }

    /** The POSTed bodies only. */
    public synchronized List<String> publishedBodies(String topic) {
        return published.getOrDefault(topic, List.of()).stream().map(Published::body).toList();
    }

    /** Polls received for {@code topic}, including those answered with a failure. */
    public synchronized List<Poll> polls(String topic) {
        return List.copyOf(polls.getOrDefault(topic, List.of()));
    }

    public synchronized int pollCount(String topic) {
        return polls.getOrDefault(topic, List.of()).size();
    }

    /** Caps how long an empty poll is held open (0: answer {@code []} at once), whatever the client's timeout. */
    public synchronized void setMaxWait(Duration maxWait) {
        this.maxWaitMillis = maxWait.toMillis();
    }

    /** Every request from now on is answered with {@code status} and {@code body}. */
    public synchronized void failWith(int status, String body) {
        mode = Mode.STATUS;
        failStatus = status;
        failBody = body;
    }

    public void failWith(int status) {
        failWith(status, "{\"mrstatus\":" + status + ",\"message\":\"fake failure\"}");
    }

    /** Every request from now on gets its connection closed without an answer. */
    public synchronized void failByClosing() {
        mode = Mode.CLOSE;
    }

    /** Every request from now on is left unanswered (the client's timeout must fire). */
    public synchronized void hang() {
        mode = Mode.HANG;
    }

    /** Back to normal service after {@link #failWith}, {@link #failByClosing} or {@link #hang}. */
    public synchronized void heal() {
        mode = Mode.NORMAL;
    }

    /** The next poll (whatever its topic) gets exactly this answer; queued items stay queued. */
    public synchronized void answerNextPollWith(int status, String body) {
        scriptedStatuses.add(new int[] {status});
        scriptedBodies.add(body);
    }

    /** Requests without {@code Authorization: Basic base64(user:password)} get 401. */
    public synchronized void requireBasicAuth(String user, String password) {
        requiredAuthorization = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Stops listening: new connections are refused, open ones closed. {@link #up()} listens on the same port again. */
    public void down() {
        HttpServer current;
        synchronized (this) {
            current = server;
            server = null;
        }
        if (current != null) await(current.close().toCompletionStage().toCompletableFuture());
    }

    /** Listens again on the same port after {@link #down()}. */
    public void up() {
        listen(port);
    }

    @Override
    public void close() {
        down();
        if (ownsVertx) await(vertx.close().toCompletionStage().toCompletableFuture());
    }

    private void listen(int wantedPort) {
        CompletableFuture<HttpServer> started = new CompletableFuture<>();
        context.runOnContext(v -> {
            HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(wantedPort).setReuseAddress(true));
            s.requestHandler(this::handle).listen().onComplete(ar -> {
                if (ar.succeeded()) started.complete(ar.result());
                else started.completeExceptionally(ar.cause());
            });
        });
        HttpServer s = await(started);
        synchronized (this) {
            server = s;
            port = s.actualPort();
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake Message Router: " + e, e);
        }
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            String path = request.path();
            String[] parts = path.split("/");
            boolean isPoll = request.method().name().equals("GET") && parts.length == 5 && parts[1].equals("events");
            Map<String, String> headers = new LinkedHashMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            Mode currentMode;
            int status;
            String failure;
            synchronized (this) {
                if (isPoll) {
                    Map<String, String> query = new LinkedHashMap<>();
                    request.params().forEach(p -> query.put(p.getKey(), p.getValue()));
                    polls.computeIfAbsent(parts[2], t -> new ArrayList<>()).add(new Poll(parts[2], parts[3], parts[4], query, headers));
                }
                currentMode = mode;
                status = failStatus;
                failure = failBody;
                if (requiredAuthorization != null && !requiredAuthorization.equals(request.getHeader("Authorization"))) {
                    currentMode = Mode.STATUS;
                    status = 401;
                    failure = "{\"mrstatus\":401,\"message\":\"authentication required\"}";
                } else if (isPoll && !scriptedStatuses.isEmpty()) {
                    currentMode = Mode.STATUS;
                    status = scriptedStatuses.poll()[0];
                    failure = scriptedBodies.poll();
                }
            }
            switch (currentMode) {
                case CLOSE -> request.connection().close();
                case HANG -> { }
                case STATUS -> request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(failure);
                case NORMAL -> {
                    if (isPoll) {
                        poll(request, parts[2]);
                    } else if (request.method().name().equals("POST")) {
                        String key = parts.length == 3 && parts[1].equals("events") ? parts[2] : path;
                        synchronized (this) {
                            published.computeIfAbsent(key, t -> new ArrayList<>()).add(new Published(body.toString(), headers));
                        }
                        request.response().putHeader("Content-Type", "application/json").end("{\"serverTimeMs\":0,\"count\":1}");
                    } else {
                        request.response().setStatusCode(404).end("{\"mrstatus\":404,\"message\":\"no such resource " + path + "\"}");
                    }
                }
            }
        });
    }

    private void poll(HttpServerRequest request, String topic) {
        int limit = intParam(request, "limit", Integer.MAX_VALUE);
        long timeout = intParam(request, "timeout", 15_000);
        String answer;
        long wait;
        synchronized (this) {
            answer = take(topic, limit);
            wait = Math.min(timeout, maxWaitMillis);
            if (answer == null && wait > 0) {
                long timerId = vertx.setTimer(wait, id -> expire(request));
                parked.add(new Parked(request, topic, limit, timerId));
                request.response().closeHandler(v -> forget(request)); // the client gave up: its poll is over
                return;
            }
        }
        respond(request, answer == null ? "[]" : answer);
    }

    /** Answers held polls of {@code topic} now that items arrived. Runs on the server's context. */
    private void serveParked(String topic) {
        List<Parked> ready = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Parked> it = parked.iterator(); it.hasNext(); ) {
                Parked p = it.next();
                if (!p.topic().equals(topic)) continue;
                if (p.request().response().closed()) { // the client gave up: don't hand its items to a dead socket
                    it.remove();
                    vertx.cancelTimer(p.timerId());
                    continue;
                }
                String answer = take(topic, p.limit());
                if (answer == null) break;
                it.remove();
                vertx.cancelTimer(p.timerId());
                ready.add(p);
                answers.add(answer);
            }
        }
        for (int i = 0; i < ready.size(); i++) respond(ready.get(i).request(), answers.get(i));
    }

    private synchronized void forget(HttpServerRequest request) {
        parked.removeIf(p -> {
            if (p.request() != request) return false;
            vertx.cancelTimer(p.timerId());
            return true;
        });
    }

    /** Long polls of {@code topic} held open now, waiting for items (a poll whose client closed it is not). */
    public synchronized int heldPolls(String topic) {
        return (int) parked.stream().filter(p -> p.topic().equals(topic)).count();
    }

    private void expire(HttpServerRequest request) {
        boolean wasParked;
        synchronized (this) {
            wasParked = parked.removeIf(p -> p.request() == request);
        }
        if (wasParked) respond(request, "[]");
    }

    /** Up to {@code limit} queued items as a JSON array, or null if none. Caller holds the lock. */
    private String take(String topic, int limit) {
        Deque<String> queue = queues.get(topic);
        if (queue == null || queue.isEmpty()) return null;
        StringBuilder out = new StringBuilder("[");
        for (int n = 0; n < limit && !queue.isEmpty(); n++) {
            if (n > 0) out.append(',');
            out.append(queue.poll());
        }
        return out.append(']').toString();
    }

    private static void respond(HttpServerRequest request, String body) {
        if (request.response().ended() || request.response().closed()) return;
        request.response().putHeader("Content-Type", "application/json").end(body);
    }

    private static int intParam(HttpServerRequest request, String name, int fallback) {
        String value = request.getParam(name);
        if (value == null) return fallback;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
