package io.vigil.transport.dmaap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ingest.Watermark;
import io.vigil.secret.Secrets;
import io.vigil.ves.Heartbeat;
import io.vigil.ves.VesBatch;
import io.vigil.ves.VesFormatException;
import io.vigil.ves.VesParser;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes VES heartbeats from a DMaaP Message Router topic the way ONAP's services do, and hands them to a
 * {@link HeartbeatReceiver} on {@link Channel#DMAAP}.
 *
 * <p><b>Loop.</b> {@code GET {topic_url}/{group}/{consumer}?timeout=15000&limit=N}; MR holds the request open until
 * messages arrive or the timeout passes, then answers a JSON array. The next poll starts as soon as an answer is
 * processed: there is no idle sleep (ONAP's service slept 20 s). Each array item is a string holding one serialised
 * VES body (MR's format) or that body as a JSON object; either may be a single {@code {"event":…}} or an
 * {@code {"eventList":[…]}} batch.
 *
 * <p><b>Bad input.</b> An item that is not a VES body, or an event in it that lacks a required field, is counted
 * under a {@link BadItemReason}, logged (throttled) and skipped; the rest of the answer is still processed and the
 * loop goes on. Heartbeats whose eventName has no monitor are counted ({@link #unknownEventName()}). Items are
 * isolated from each other: the answer is split into items by its JSON structure alone, and each item is decoded on
 * its own, so an item larger than {@link #MAX_ITEM_BYTES} or with invalid UTF-8 costs only itself.
 *
 * <p><b>Bounds.</b> One poll has a total deadline of {@code longPollTimeout + requestGrace} (not an idle timeout: a
 * Message Router that trickles its answer is cut off, its connection reset, and the next poll goes out; a deadline
 * that comes due while Vigil itself was stalled is extended, see {@link #withDeadline}), and an answer
 * of more than {@link #MAX_ANSWER_BYTES} is cut off as it arrives; either fails the poll.
 *
 * <p><b>Outage.</b> A poll fails on a connection error, a timeout ({@code longPollTimeout + requestGrace}), a
 * non-200 status, or a body that is not a JSON array. Consecutive failures back off by
 * {@link DmaapPollerSettings#backoff()} (250 ms doubling to 5 s by default), counted from the failed poll's start: a
 * poll that hung until its deadline has waited longer than that already, so the next one goes out at once (MR may be
 * back; the channel is blind until a poll comes back).
 *
 * <p><b>Watermark.</b> The poll loop owns one {@link Watermark} of {@link Channel#DMAAP} (named
 * {@code dmaap:<topic URL>}). A poll that came back with fewer messages than the {@code limit} proves that
 * everything MR held when the poll started has been handed to the receiver: the watermark moves to that poll's start
 * time. A failed poll (503, timeout, hanging MR) or a full one (more may be waiting) does not move it. So while MR
 * cannot be reached no source of this channel is declared missing; a step longer than
 * {@link DmaapPollerSettings#blindAfter()} is blind time that does not count as silence. A full answer ends such a
 * spell ({@link Watermark#reached}: MR is back, and draining its backlog is lag), while the watermark waits for an
 * answer that is not full.
 *
 * <p><b>Threading.</b> The loop runs on one Vert.x context of the shared instance; parsing and
 * {@link HeartbeatReceiver#accept} (non-blocking by contract) happen there. Getters are thread-safe.
 */
public final class DmaapPoller implements AutoCloseable {

    /** Why an item (or an event within it) was skipped; the label is meant for a metrics tag. */
    public enum BadItemReason {
        /** The item is not a usable VES body: malformed JSON, or neither {@code event} nor {@code eventList}. */
        INVALID_VES("invalid_ves"),
        /** An event inside the item lacks or mangles a required field; other events of the item are kept. */
        INVALID_EVENT("invalid_event"),
        /** The array item is neither a string nor an object (number, array, null …). */
        NOT_STRING_OR_OBJECT("not_string_or_object"),
        /** The item is larger than {@link #MAX_ITEM_BYTES}: skipped unread. */
        TOO_LARGE("too_large"),
        /** The item is a string whose bytes are not valid UTF-8 (or not a valid JSON string). */
        INVALID_ENCODING("invalid_encoding"),
        /** The receiver threw on a heartbeat (a bug, never expected): counted so that it is seen. */
        RECEIVER_ERROR("receiver_error");

        private final String label;

        BadItemReason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(DmaapPoller.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** Log the first bad item per reason, then every Nth: a topic full of garbage must not flood the log. */
    private static final long LOG_EVERY_NTH_BAD_ITEM = 1000;
    private static final int LOG_EVERY_NTH_POLL_FAILURE = 10;
    /** A poll deadline timer firing this much later than due: Vigil was stalled, not MR (see {@link #withDeadline}). */
    static final long LATE_TIMER_MILLIS = 250;
    /** The largest poll answer read; a larger one fails the poll as soon as it passes this. */
    public static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    /** The largest item (one VES body) of an answer; a larger one is skipped ({@link BadItemReason#TOO_LARGE}). */
    public static final int MAX_ITEM_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private final HeartbeatReceiver receiver;
    private final DmaapPollerSettings settings;
    private final String pollUrl;
    private final String shownUrl; // pollUrl with credentials masked: what logs, errors and the status say
    private final long requestTimeoutMillis;
    private final HttpClientAgent client;
    private final Promise<Void> stopped = Promise.promise();
    private int maxAnswerBytes = MAX_ANSWER_BYTES;
    private int maxItemBytes = MAX_ITEM_BYTES;

    // Confined to the poller's context.
    private Context context;
    private boolean stopping;
    private long timerId = -1;
    private HttpClientRequest inFlight;
    private int consecutiveFailures;
    private long pollStartedAtMillis;
    private Watermark watermark;

    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong pollErrors = new AtomicLong();
    private final AtomicLong stalledDeadlines = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong unknownEventName = new AtomicLong();
    private final AtomicLong notOwner = new AtomicLong();
    private final AtomicLong sourceLimit = new AtomicLong();
    private final Map<BadItemReason, LongAdder> badItems = new EnumMap<>(BadItemReason.class);

    /**
     * @param vertx    the application's shared Vert.x instance (not closed by the poller)
     * @param receiver where heartbeats go
     * @param settings topic, consumer and tuning
     */
    public DmaapPoller(Vertx vertx, HeartbeatReceiver receiver, DmaapPollerSettings settings) {
        this(vertx, receiver, settings, null);
    }

    /** @param caFile PEM CA certificate(s) to trust for an {@code https://} Message Router, or null for the JDK's */
    public DmaapPoller(Vertx vertx, HeartbeatReceiver receiver, DmaapPollerSettings settings, java.nio.file.Path caFile) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pollUrl = settings.pollUrl();
        this.shownUrl = Secrets.redactUrl(pollUrl);
        this.requestTimeoutMillis = settings.longPollTimeout().plus(settings.requestGrace()).toMillis();
        for (BadItemReason reason : BadItemReason.values()) badItems.put(reason, new LongAdder());
        // Connect timeout on the client, not per request: see WebhookSink on Vert.x 5.0.7's pool-wait timer.
        this.client = vertx.createHttpClient(io.vigil.transport.webhook.WebhookSink.trusting(
                new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeoutMillis)), caFile),
                new PoolOptions().setHttp1MaxSize(1));
    }

    /** Tests: smaller bounds than {@link #MAX_ANSWER_BYTES} and {@link #MAX_ITEM_BYTES}. Call before {@link #start}. */
    DmaapPoller withSizeLimits(int answerBytes, int itemBytes) {
        this.maxAnswerBytes = answerBytes;
        this.maxItemBytes = itemBytes;
        return this;
    }

    /** Starts the loop; the first poll goes out at once. Call once. */
    public synchronized void start() {
        if (context != null) throw new IllegalStateException("DMaaP poller already started");
        context = vertx.getOrCreateContext();
        watermark = receiver.watermarks().register(Channel.DMAAP, "dmaap:" + Secrets.redactUrl(settings.topicUrl().toString()),
                settings.blindAfter());
        log.info("Polling DMaaP Message Router at {}", shownUrl);
        context.runOnContext(v -> poll());
    }

    /**
     * Ends the loop: a pending backoff is cancelled and a long poll in flight is aborted (an answer already received
     * is still processed). Completes when the loop has ended; idempotent. Its watermark part is closed.
     */
    public synchronized CompletionStage<Void> stop() {
        if (context == null) {
            stopped.tryComplete();
            client.close();
            return stopped.future().toCompletionStage();
        }
        context.runOnContext(v -> {
            stopping = true;
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
                finishStop();
            } else if (inFlight != null) {
                inFlight.reset(); // its completion handler sees `stopping` and finishes
            }
        });
        return stopped.future().toCompletionStage();
    }

    /** {@link #stop()}, waiting up to 5 s when called off the event loop. */
    @Override
    public void close() {
        CompletionStage<Void> done = stop();
        if (!Context.isOnEventLoopThread()) {
            try {
                done.toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("DMaaP poller did not stop within 5 s: {}", e.toString());
            }
        }
    }

    private void poll() {
        if (stopping) {
            finishStop();
            return;
        }
        polls.incrementAndGet();
        pollStartedAtMillis = settings.clock().millis();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(pollUrl)
                .putHeader("Accept", "application/json");
        settings.auth().ifPresent(a -> options.putHeader("Authorization", a.headerValue()));
        withDeadline(client.request(options)
                .compose(request -> {
                    inFlight = request;
                    return request.send();
                })
                .compose(response -> boundedBody(response).map(body -> new Answer(response.statusCode(), body))))
                .onComplete(result -> {
                    HttpClientRequest request = inFlight;
                    inFlight = null;
                    if (result.failed() && request != null) {
                        request.reset(); // frees the connection: a cut-off answer must not stream on behind the next poll
                    }
                    if (result.succeeded()) {
                        handle(result.result());
                    } else if (!stopping) {
                        pollFailed("cannot reach " + shownUrl + ": " + result.cause());
                    } else {
                        finishStop();
                    }
                });
    }

    private record Answer(int status, Buffer body) {
    }

    /**
     * {@code work} failed once the poll's deadline ({@code longPollTimeout + requestGrace}) has passed, however the
     * answer trickles. A deadline timer that fires more than {@value #LATE_TIMER_MILLIS} ms late means Vigil itself
     * was stalled (a stopped process, a GC pause, a starved event loop): the answer may be waiting in the socket,
     * unread, so the poll gets {@code min(requestGrace, 1 s)} more instead of being cut off (which would lose what MR
     * handed out in it). No idle timeout: it would fire on resume the same way.
     */
    private <T> Future<T> withDeadline(Future<T> work) {
        Promise<T> result = Promise.promise();
        long[] timer = {-1};
        armDeadline(result, timer, requestTimeoutMillis);
        work.onComplete(r -> {
            vertx.cancelTimer(timer[0]);
            if (r.succeeded()) result.tryComplete(r.result());
            else result.tryFail(r.cause());
        });
        return result.future();
    }

    private void armDeadline(Promise<?> result, long[] timer, long delayMillis) {
        long due = settings.clock().millis() + delayMillis;
        timer[0] = vertx.setTimer(Math.max(1, delayMillis), id -> {
            if (result.future().isComplete()) return;
            long late = settings.clock().millis() - due;
            if (late > LATE_TIMER_MILLIS) {
                stalledDeadlines.incrementAndGet();
                armDeadline(result, timer, Math.max(1, Math.min(settings.requestGrace().toMillis(), 1000)));
            } else {
                result.tryFail(new java.util.concurrent.TimeoutException("no complete answer within " + requestTimeoutMillis
                        + " ms (pollTimeout + pollGrace)"));
            }
        });
    }

    /** The answer's body, failed as soon as it passes {@link #maxAnswerBytes} (nothing more is buffered). */
    private Future<Buffer> boundedBody(HttpClientResponse response) {
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            if (received.length() + chunk.length() > maxAnswerBytes) {
                body.tryFail("the answer is larger than " + maxAnswerBytes + " bytes; lower the poll limit or check "
                        + "what is on the topic");
                response.handler(null);
                if (inFlight != null) inFlight.reset();
            } else {
                received.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(v -> body.tryComplete(received));
        return body.future();
    }

    private void handle(Answer answer) {
        if (answer.status() != 200) {
            String body = answer.body().toString().replaceAll("\\s+", " ").strip();
            pollFailed(shownUrl + " answered HTTP " + answer.status() + (body.isEmpty() ? "" : ": " + abbreviate(body)));
            return;
        }
        int count;
        // the heartbeats of this answer reached Vigil now: processing a large answer (a backlog after an outage) must
        // not make them look newer than they are (under timeBase arrival that would delay a dead source's ONSET)
        long answeredAtMillis = settings.clock().millis();
        try {
            count = processItems(answer.body().getBytes(), answeredAtMillis);
        } catch (MalformedAnswerException e) {
            pollFailed(shownUrl + " answered a body that is not a JSON array of messages: " + e.getMessage());
            return;
        }
        pollSucceeded(count < settings.limit());
        // Straight into the next long poll; runOnContext keeps the stack flat.
        context.runOnContext(v -> poll());
    }

    /**
     * @param arrivedAtMillis when the answer arrived: the arrival time of every heartbeat in it
     * @return the number of array items
     */
    private int processItems(byte[] body, long arrivedAtMillis) throws MalformedAnswerException {
        try {
            return processItems(body, new AnswerItems(body), arrivedAtMillis);
        } catch (AnswerItems.MalformedAnswer e) {
            throw new MalformedAnswerException(e.getMessage());
        }
    }

    private int processItems(byte[] body, AnswerItems items, long arrivedAtMillis) throws AnswerItems.MalformedAnswer {
        int index = 0;
        for (; items.next(); index++) {
            this.items.incrementAndGet();
            int length = items.end() - items.start();
            if (length > maxItemBytes) {
                bad(BadItemReason.TOO_LARGE, index, length + " bytes, more than " + maxItemBytes);
                continue;
            }
            switch (body[items.start()]) {
                case '"' -> {
                    byte[] json = stringItem(body, items.start(), items.end());
                    if (json == null) {
                        bad(BadItemReason.INVALID_ENCODING, index, "the string is not valid UTF-8 or not a valid JSON string");
                    } else {
                        handleItem(index, json, arrivedAtMillis);
                    }
                }
                case '{' -> handleItem(index, Arrays.copyOfRange(body, items.start(), items.end()), arrivedAtMillis);
                default -> bad(BadItemReason.NOT_STRING_OR_OBJECT, index, "item starts with '"
                        + (char) (body[items.start()] & 0xff) + "', expected a string or an object");
            }
        }
        return index;
    }

    /** The text of the JSON string at {@code body[start, end)} as UTF-8, or null when it does not decode. */
    private static byte[] stringItem(byte[] body, int start, int end) {
        try (JsonParser p = JSON.createParser(body, start, end - start)) {
            if (p.nextToken() != JsonToken.VALUE_STRING) return null;
            return p.getText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private void handleItem(int index, byte[] json, long arrivedAtMillis) {
        VesBatch batch;
        try {
            batch = VesParser.parse(json, receiver.limits());
        } catch (VesFormatException e) {
            bad(BadItemReason.INVALID_VES, index, e.getMessage());
            return;
        }
        for (Heartbeat heartbeat : batch.heartbeats()) {
            try {
                switch (receiver.accept(heartbeat, Channel.DMAAP, arrivedAtMillis)) {
                    case ACCEPTED -> accepted.incrementAndGet();
                    case UNKNOWN_EVENT_NAME -> unknownEventName.incrementAndGet();
                    case NOT_OWNER -> notOwner.incrementAndGet();
                    case SOURCE_LIMIT -> sourceLimit.incrementAndGet();
                }
            } catch (RuntimeException e) {
                bad(BadItemReason.RECEIVER_ERROR, index, e.toString());
            }
        }
        for (VesBatch.Rejected rejected : batch.rejected()) {
            bad(BadItemReason.INVALID_EVENT, index, "event " + rejected.index() + ": " + rejected.reason());
        }
    }

    private void bad(BadItemReason reason, int index, String detail) {
        LongAdder counter = badItems.get(reason);
        counter.increment();
        long count = counter.sum();
        if (count == 1 || count % LOG_EVERY_NTH_BAD_ITEM == 0) {
            log.warn("Skipped a bad DMaaP message ({}, {} so far): item {} of a poll: {}", reason.label(), count, index, detail);
        }
    }

    /** @param caughtUp the answer held fewer messages than the limit: MR had nothing more when the poll started */
    private void pollSucceeded(boolean caughtUp) {
        if (consecutiveFailures > 0) log.info("DMaaP Message Router answers again after {} failed polls", consecutiveFailures);
        consecutiveFailures = 0;
        if (caughtUp) {
            watermark.advanceTo(pollStartedAtMillis);
        } else {
            watermark.reached(pollStartedAtMillis); // MR answers: draining its backlog is lag, not blind time
        }
    }

    private void pollFailed(String reason) {
        if (stopping) {
            finishStop();
            return;
        }
        pollErrors.incrementAndGet();
        consecutiveFailures++;
        Duration delay = retryDelay(settings.backoff().delayAfter(consecutiveFailures), pollStartedAtMillis, settings.clock().millis());
        if (consecutiveFailures == 1 || consecutiveFailures % LOG_EVERY_NTH_POLL_FAILURE == 0) {
            log.warn("DMaaP poll failed ({} in a row), retrying in {} ms: {}", consecutiveFailures, delay.toMillis(), reason);
        }
        timerId = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            timerId = -1;
            poll();
        });
    }

    /**
     * The wait before the next poll after a failed one: the backoff, counted from the failed poll's start (a poll
     * that hung until its deadline has waited long enough already). At least 1 ms.
     */
    static Duration retryDelay(Duration backoff, long failedPollStartedAtMillis, long nowMillis) {
        long left = backoff.toMillis() - Math.max(0, nowMillis - failedPollStartedAtMillis);
        return Duration.ofMillis(Math.max(1, left));
    }

    private void finishStop() {
        if (watermark != null) watermark.close();
        client.close();
        stopped.tryComplete();
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static final class MalformedAnswerException extends Exception {
        MalformedAnswerException(String message) {
            super(message, null, false, false);
        }
    }

    /** Polls sent (successful or not). */
    public long polls() {
        return polls.get();
    }

    /** Polls that failed (connection, timeout, status, body). */
    public long pollErrors() {
        return pollErrors.get();
    }

    /** Poll deadlines that fired late (Vigil stalled) and were extended rather than cutting the poll off. */
    public long stalledDeadlines() {
        return stalledDeadlines.get();
    }

    /** Array items received. */
    public long items() {
        return items.get();
    }

    /** Heartbeats the receiver accepted. */
    public long accepted() {
        return accepted.get();
    }

    /** Heartbeats dropped because no monitor has their eventName. */
    public long unknownEventName() {
        return unknownEventName.get();
    }

    /** Heartbeats dropped because this instance does not own their source. */
    public long notOwner() {
        return notOwner.get();
    }

    /** Heartbeats of new sources refused by {@code limits.maxSources} or {@code limits.newSourcesPerSecond}. */
    public long sourceLimit() {
        return sourceLimit.get();
    }

    /** Items or events skipped for {@code reason}. */
    public long badItems(BadItemReason reason) {
        return badItems.get(reason).sum();
    }

    /** True while the poll loop's watermark lags by more than {@link DmaapPollerSettings#blindAfter()}. */
    public boolean isBlind() {
        Watermark w = watermark;
        return w != null && w.isBlind(settings.clock().millis());
    }

    /** The poll URL with its credentials masked, for logs and status pages. */
    public String pollUrl() {
        return shownUrl;
    }
}
