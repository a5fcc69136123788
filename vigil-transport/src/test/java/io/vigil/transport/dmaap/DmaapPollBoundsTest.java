package io.vigil.transport.dmaap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vigil.transport.dmaap.DmaapPoller.BadItemReason;
import io.vigil.transport.dmaap.testing.RecordingReceiver;
import io.vigil.ves.Heartbeat;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, item 5, against a stand-in Message Router that misbehaves: a poll has a total deadline (an answer that
 * trickles in chunks is cut off and the next poll goes out), an answer has a size cap, and one bad item (20 MB, or
 * invalid UTF-8) is counted and skipped while the rest of its answer is kept.
 */
class DmaapPollBoundsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static Vertx vertx;

    private final RecordingReceiver receiver = new RecordingReceiver(Set.of("Heartbeat_vDNS"));
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closedByPoller = new AtomicInteger();
    private HttpServer mr;
    private DmaapPoller poller;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @AfterEach
    void stop() {
        if (poller != null) poller.close();
        if (mr != null) mr.close().await();
    }

    private static String event(String sourceName) {
        return "{\"event\":{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"Heartbeat_vDNS\","
                + "\"sourceName\":\"" + sourceName + "\",\"lastEpochMicrosec\":1764201600000000,\"priority\":\"Normal\"},"
                + "\"heartbeatFields\":{\"heartbeatInterval\":60}}}";
    }

    /** An item as MR writes it: the event serialised into a JSON string. */
    private static String quoted(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Serves every poll with {@code answer}; counts requests and connections the poller closed under an answer. */
    private URI standIn(Consumer<HttpServerRequest> answer) {
        mr = vertx.createHttpServer().requestHandler(req -> {
            requests.incrementAndGet();
            req.response().closeHandler(v -> closedByPoller.incrementAndGet()); // the connection closed under the answer
            answer.accept(req);
        }).listen(0, "127.0.0.1").await();
        return URI.create("http://127.0.0.1:" + mr.actualPort() + "/events/T");
    }

    private DmaapPoller start(URI topic, Duration longPoll, Duration grace) {
        DmaapPollerSettings settings = DmaapPollerSettings.of(topic, "g", "c", Optional.empty())
                .withLongPollTimeout(longPoll).withRequestGrace(grace)
                .withBackoff(failures -> Duration.ofMillis(10));
        poller = new DmaapPoller(vertx, receiver, settings);
        return poller;
    }

    @Test
    void anAnswerTricklingInChunksIsCutOffAtThePollDeadlineAndTheNextPollGoesOut() {
        // "[" and then one valid item every 100 ms, for ever: an idle timeout would never fire
        URI topic = standIn(req -> {
            req.response().setChunked(true).putHeader("Content-Type", "application/json").write("[" + quoted(event("s")));
            vertx.setPeriodic(100, id -> {
                if (req.response().closed()) vertx.cancelTimer(id);
                else req.response().write("," + quoted(event("s")));
            });
        });
        long started = System.nanoTime();
        start(topic, Duration.ofMillis(300), Duration.ofMillis(300)).start();

        await().atMost(DEADLINE).until(() -> requests.get() >= 3 && closedByPoller.get() >= 2);
        assertThat(poller.pollErrors()).isGreaterThanOrEqualTo(2);
        // three polls of 600 ms each and short backoffs: far less than the 20 s a trickling answer could take
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void theHeartbeatsOfOneAnswerArriveWhenTheAnswerDidNotWhileItIsProcessed() {
        // under timeBase arrival a backlog answer's last heartbeat must not look newer because the ones before it
        // took time to process: every heartbeat of an answer is handed with the answer's arrival time
        AtomicInteger served = new AtomicInteger();
        URI topic = standIn(req -> {
            if (served.getAndIncrement() == 0) {
                req.response().end("[" + quoted(event("a")) + "," + quoted(event("b")) + "," + quoted(event("c")) + ","
                        + quoted(event("d")) + "," + quoted(event("e")) + "]");
            } else {
                vertx.setTimer(200, id -> req.response().end("[]"));
            }
        });
        receiver.onAccept(() -> sleep(30)); // processing an item takes 30 ms
        long before = System.currentTimeMillis();
        start(topic, Duration.ofMillis(200), Duration.ofSeconds(5)).start();

        await().atMost(DEADLINE).until(() -> receiver.received().size() == 5);
        var received = receiver.received();
        assertThat(received).extracting(RecordingReceiver.Received::arrivedAtMillis).containsOnly(received.getFirst().arrivedAtMillis());
        assertThat(received.getFirst().arrivedAtMillis()).isGreaterThanOrEqualTo(before);
        assertThat(received.getLast().handedAtMillis() - received.getLast().arrivedAtMillis()).isGreaterThanOrEqualTo(4 * 30);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anAnswerLargerThanTheCapIsCutOffAsItArrives() {
        String chunk = "," + quoted(event("s"));
        URI topic = standIn(req -> {
            req.response().setChunked(true).write("[" + quoted(event("first")));
            long timer = vertx.setPeriodic(5, id -> req.response().write(Buffer.buffer(chunk.repeat(100))));
            req.response().exceptionHandler(e -> vertx.cancelTimer(timer));
            req.connection().closeHandler(v -> vertx.cancelTimer(timer));
        });
        start(topic, Duration.ofSeconds(30), Duration.ofSeconds(5)).withSizeLimits(256 * 1024, 64 * 1024).start();

        await().atMost(DEADLINE).until(() -> poller.pollErrors() >= 2 && closedByPoller.get() >= 2);
        assertThat(receiver.heartbeats()).isEmpty(); // a cut-off answer is not processed
    }

    @Test
    void aTwentyMegabyteItemAndAnItemWithInvalidUtf8AreSkippedAndTheRestKept() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("[" + quoted(event("before")) + ",\"").getBytes(StandardCharsets.UTF_8));
        body.writeBytes("x".repeat(20_000_000).getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(("\"," + quoted(event("middle")) + ",\"{\\\"event\\\": bad ").getBytes(StandardCharsets.UTF_8));
        body.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        body.writeBytes(("\"," + quoted(event("after")) + "]").getBytes(StandardCharsets.UTF_8));
        Buffer answer = Buffer.buffer(body.toByteArray());
        AtomicInteger served = new AtomicInteger();
        URI topic = standIn(req -> {
            if (served.getAndIncrement() == 0) req.response().end(answer);
            else vertx.setTimer(200, id -> req.response().end("[]"));
        });
        start(topic, Duration.ofMillis(200), Duration.ofSeconds(5)).start();

        await().atMost(DEADLINE).until(() -> receiver.heartbeats().size() == 3);
        assertThat(receiver.heartbeats()).extracting(Heartbeat::sourceName).containsExactly("before", "middle", "after");
        assertThat(poller.badItems(BadItemReason.TOO_LARGE)).isEqualTo(1);
        assertThat(poller.badItems(BadItemReason.INVALID_ENCODING)).isEqualTo(1);
        assertThat(poller.items()).isEqualTo(5);
        assertThat(poller.pollErrors()).isZero();
    }

    @Test
    void credentialsInTheTopicUrlAreNeitherLoggedNorShownInErrors() {
        URI topic = standIn(req -> req.response().setStatusCode(503).end("{\"mrstatus\":503}"));
        URI withCredentials = URI.create("http://mr-user:mr-s3cret@" + topic.getRawAuthority() + topic.getRawPath());
        DmaapPoller p = start(withCredentials, Duration.ofMillis(100), Duration.ofSeconds(1));
        p.start();
        await().atMost(DEADLINE).until(() -> p.pollErrors() >= 3);
        assertThat(p.pollUrl()).startsWith("http://******@").doesNotContain("mr-s3cret");
        // the watermark part's name is shown in the status and in the blind WARN
        assertThat(receiver.watermarks().parts()).allSatisfy(w -> assertThat(w.name()).doesNotContain("mr-s3cret"));
    }

    @Test
    void aDeadlineThatComesDueWhileVigilWasStalledGivesTheAnswerMoreTimeInsteadOfCuttingItOff() {
        // A stall of Vigil (SIGSTOP, GC) is seen as the deadline timer firing late by the poller's clock: here the
        // clock jumps 2 s while the first poll is out (deadline 100 + 400 = 500 ms); MR answers it after 700 ms. Cut
        // off, its message would be lost; extended by min(grace, 1 s) = 400 ms, it is read.
        java.util.concurrent.atomic.AtomicLong offset = new java.util.concurrent.atomic.AtomicLong();
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(System.currentTimeMillis() + offset.get());
            }
        };
        URI topic = standIn(req -> {
            if (requests.get() == 1) {
                offset.addAndGet(2000); // "Vigil stopped for 2 s" as its clock sees it
                vertx.setTimer(700, id -> req.response().end("[" + quoted(event("kept")) + "]"));
            } else {
                vertx.setTimer(100, id -> req.response().end("[]"));
            }
        });
        DmaapPollerSettings settings = DmaapPollerSettings.of(topic, "g", "c", Optional.empty())
                .withLongPollTimeout(Duration.ofMillis(100)).withRequestGrace(Duration.ofMillis(400))
                .withBackoff(failures -> Duration.ofMillis(10)).withClock(clock);
        poller = new DmaapPoller(vertx, receiver, settings);
        poller.start();

        await().atMost(DEADLINE).until(() -> receiver.heartbeats().size() == 1);
        assertThat(receiver.heartbeats()).extracting(Heartbeat::sourceName).containsExactly("kept");
        assertThat(poller.stalledDeadlines()).isGreaterThanOrEqualTo(1);
        assertThat(poller.pollErrors()).isZero();
    }
}
