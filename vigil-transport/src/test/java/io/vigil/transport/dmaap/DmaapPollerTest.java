package io.vigil.transport.dmaap;

import io.vigil.secret.BasicAuth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vigil.ingest.Channel;
import io.vigil.transport.dmaap.DmaapPoller.BadItemReason;
import io.vigil.transport.dmaap.testing.FakeMessageRouter;
import io.vigil.transport.dmaap.testing.RecordingReceiver;
import io.vigil.backoff.BackoffPolicy;
import io.vigil.testing.Conformance;
import io.vigil.testing.OnapRecordings;
import io.vigil.testing.ProjectFiles;
import io.vigil.ves.Heartbeat;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DmaapPollerTest {

    private static final String TOPIC = "unauthenticated.SEC_HEARTBEAT_OUTPUT";
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static Vertx vertx;

    private FakeMessageRouter mr;
    private final RecordingReceiver receiver = new RecordingReceiver(Set.of("Heartbeat_vDNS", "Heartbeat_vFW"));
    private final List<Integer> backoffRequests = new CopyOnWriteArrayList<>();
    private DmaapPoller poller;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @BeforeEach
    void startMessageRouter() {
        mr = FakeMessageRouter.start(vertx);
    }

    @AfterEach
    void stopAll() {
        if (poller != null) poller.close();
        mr.close();
    }

    /** ONAP's settings with millisecond backoff (recorded) so outage tests run in milliseconds. */
    private DmaapPollerSettings settings() {
        return DmaapPollerSettings.of(mr.topicUrl(TOPIC), "hb-group", "hb-consumer-1", Optional.empty())
                .withBackoff(failures -> {
                    backoffRequests.add(failures);
                    return Duration.ofMillis(Math.min(80, 5L << Math.min(failures, 4)));
                });
    }

    private DmaapPoller start(DmaapPollerSettings settings) {
        poller = new DmaapPoller(vertx, receiver, settings);
        poller.start();
        return poller;
    }

    private static String event(String eventName, String sourceName, long lastEpochMicrosec) {
        return "{\"event\":{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"" + eventName
                + "\",\"sourceName\":\"" + sourceName + "\",\"lastEpochMicrosec\":" + lastEpochMicrosec
                + ",\"priority\":\"Normal\"},\"heartbeatFields\":{\"heartbeatInterval\":60}}}";
    }

    private static String commonEventHeader(String eventName, String sourceName, long lastEpochMicrosec) {
        String e = event(eventName, sourceName, lastEpochMicrosec);
        return e.substring("{\"event\":".length(), e.length() - 1);
    }

    @Test
    void acceptsEventsSerialisedAsStringsAsObjectsAndAsEventListBatches() {
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "vdns-1", 1_764_201_600_000_000L));
        mr.enqueueRawItems(TOPIC, event("Heartbeat_vDNS", "vdns-2", 1_764_201_601_000_000L));
        mr.enqueue(TOPIC, "{\"eventList\":[" + commonEventHeader("Heartbeat_vFW", "vfw-1", 1_764_201_602_000L) + ","
                + commonEventHeader("Heartbeat_vFW", "vfw-2", 1_764_201_603_000_000L) + "]}");
        start(settings());

        await().atMost(DEADLINE).until(() -> receiver.heartbeats().size() == 4);
        assertThat(receiver.heartbeats()).containsExactly(
                new Heartbeat("Heartbeat_vDNS", "vdns-1", 1_764_201_600_000L),
                new Heartbeat("Heartbeat_vDNS", "vdns-2", 1_764_201_601_000L),
                new Heartbeat("Heartbeat_vFW", "vfw-1", 1_764_201_602_000L),
                new Heartbeat("Heartbeat_vFW", "vfw-2", 1_764_201_603_000L));
        assertThat(receiver.received()).allMatch(r -> r.channel() == Channel.DMAAP);
        assertThat(poller.items()).isEqualTo(3);
        assertThat(poller.accepted()).isEqualTo(4);
    }

    @Test
    void badItemsAreCountedByReasonAndSkippedAndTheLoopGoesOn() {
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "good-1", 1_764_201_600_000_000L), "this is not JSON", "{\"other\":1}");
        mr.enqueueRawItems(TOPIC, "42", "[1,2]", "null");
        mr.enqueue(TOPIC, "{\"eventList\":[" + commonEventHeader("Heartbeat_vDNS", "good-2", 1_764_201_600_000_000L)
                + ",{\"commonEventHeader\":{\"eventName\":\"Heartbeat_vDNS\",\"lastEpochMicrosec\":1}}]}");
        start(settings());

        await().atMost(DEADLINE).until(() -> receiver.heartbeats().size() == 2);
        assertThat(receiver.heartbeats()).extracting(Heartbeat::sourceName).containsExactly("good-1", "good-2");
        assertThat(poller.badItems(BadItemReason.INVALID_VES)).isEqualTo(2);
        assertThat(poller.badItems(BadItemReason.NOT_STRING_OR_OBJECT)).isEqualTo(3);
        assertThat(poller.badItems(BadItemReason.INVALID_EVENT)).isEqualTo(1);
        assertThat(poller.pollErrors()).isZero();

        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "good-3", 1_764_201_600_000_000L));
        await().atMost(DEADLINE).until(() -> receiver.heartbeats().size() == 3);
    }

    @Test
    void itemsWithNamesThatBreakTheInputLimitsAreCountedAndSkippedPerItem() {
        // issue 13: names longer than limits.nameLength or not printable never reach the receiver; the rest is kept
        String bad = event("Heartbeat_vDNS", "BAD", 1_764_201_600_000_000L);
        mr.enqueue(TOPIC, bad.replace("BAD", "n".repeat(256)), bad.replace("BAD", "nul\\u0000"),
                bad.replace("BAD", "lone\\ud800"), event("Heartbeat_vDNS", "good-1", 1_764_201_600_000_000L));
        start(settings());

        await().atMost(DEADLINE).until(() -> poller.badItems(BadItemReason.INVALID_EVENT) == 3 && receiver.heartbeats().size() == 1);
        assertThat(receiver.heartbeats()).extracting(Heartbeat::sourceName).containsExactly("good-1");
        assertThat(poller.pollErrors()).isZero();
    }

    @Test
    void unknownEventNamesAreCountedAndDropped() {
        mr.enqueue(TOPIC, event("Heartbeat_unmonitored", "x-1", 1_764_201_600_000_000L), event("Heartbeat_vDNS", "vdns-1", 1_764_201_600_000_000L));
        start(settings());

        await().atMost(DEADLINE).until(() -> poller.unknownEventName() == 1 && poller.accepted() == 1);
        assertThat(receiver.heartbeats()).extracting(Heartbeat::sourceName).containsExactly("vdns-1");
    }

    @Test
    void readsAMessageRouterAnswerOfSerialisedEvents() throws Exception {
        readsTheWholeAnswer(ProjectFiles.resource("ves/message-router-answer.json"),
                new Heartbeat("Heartbeat_vDNS", "vdns-017", 1_764_201_660_000L));
    }

    @Test
    @Conformance
    void readsTheMessageRouterAnswerOnapRecorded() throws Exception {
        readsTheWholeAnswer(OnapRecordings.read("example-mr-get-response-batch.json"),
                new Heartbeat("Heartbeat_vDNS", "SOURCE_NAME1", 1_548_313_727_714L));
    }

    private void readsTheWholeAnswer(String answer, Heartbeat first) throws Exception {
        mr.answerNextPollWith(200, answer);
        RecordingReceiver everything = new RecordingReceiver(Set.of("Heartbeat_vDNS", "Heartbeat_vFW", "Heartbeat_xx"));
        poller = new DmaapPoller(vertx, everything, settings());
        poller.start();

        await().atMost(DEADLINE).until(() -> poller.items() > 0);
        int items = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer).size();
        await().atMost(DEADLINE).until(() -> poller.items() == items);
        assertThat(poller.accepted() + poller.unknownEventName()).isEqualTo(items);
        assertThat(Stream.of(BadItemReason.values()).mapToLong(poller::badItems).sum()).isZero();
        assertThat(everything.heartbeats()).first().isEqualTo(first);
    }

    @Test
    void pollsWithOnapsLongPollQueryAndBasicAuth() {
        mr.requireBasicAuth("dcae@dcae.onap.org", "pw");
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "vdns-1", 1_764_201_600_000_000L));
        start(DmaapPollerSettings.of(mr.topicUrl(TOPIC), "hb group", "c1", Optional.of(new BasicAuth("dcae@dcae.onap.org", "pw")))
                .withLimit(250));

        await().atMost(DEADLINE).until(() -> poller.accepted() == 1);
        FakeMessageRouter.Poll first = mr.polls(TOPIC).getFirst();
        assertThat(first.group()).isEqualTo("hb%20group");
        assertThat(first.consumer()).isEqualTo("c1");
        assertThat(first.query()).containsEntry("timeout", "15000").containsEntry("limit", "250");
        assertThat(first.headers()).containsEntry("authorization", new BasicAuth("dcae@dcae.onap.org", "pw").headerValue());
    }

    @Test
    void nextPollGoesOutAtOnceWithoutAnIdleSleep() {
        mr.setMaxWait(Duration.ZERO); // an empty topic answers [] at once, so only the poller's own pace counts
        start(settings());

        // 100 polls within 20 s leave no room for an idle sleep of 200 ms or more (ONAP's was 20 s), and leave a
        // loaded machine 200 ms per local round trip
        await().atMost(Duration.ofSeconds(20)).until(() -> mr.pollCount(TOPIC) >= 100);
        assertThat(poller.pollErrors()).isZero();
    }

    @Test
    void heldLongPollIsAnsweredAsSoonAsAnEventArrives() {
        start(settings());
        await().atMost(DEADLINE).until(() -> mr.pollCount(TOPIC) == 1);

        long start = System.nanoTime();
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "vdns-1", 1_764_201_600_000_000L));

        // the held poll waits up to its 15 s timeout: an answer well before that is the event's
        await().atMost(Duration.ofSeconds(10)).until(() -> poller.accepted() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        await().atMost(DEADLINE).until(() -> mr.pollCount(TOPIC) == 2);
    }

    @Test
    void messageRouterOutageBacksOffAndStallsTheWatermarkWhichMovesAgainWhenPollingWorks() {
        mr.setMaxWait(Duration.ofMillis(50));
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "before", 1_764_201_600_000_000L));
        start(settings().withLongPollTimeout(Duration.ofMillis(200)));
        await().atMost(DEADLINE).until(() -> poller.accepted() == 1);
        await().atMost(DEADLINE).until(() -> receiver.watermark(Channel.DMAAP) > 0 && receiver.watermark(Channel.DMAAP) < Long.MAX_VALUE);

        mr.down();
        await().atMost(DEADLINE).until(() -> poller.pollErrors() >= 3);
        long stalled = receiver.watermark(Channel.DMAAP);
        await().atMost(DEADLINE).until(poller::isBlind); // more than longPollTimeout + 1 s without a poll that came back
        assertThat(receiver.watermark(Channel.DMAAP)).isEqualTo(stalled);
        assertThat(backoffRequests).startsWith(1, 2, 3);

        long upAt = System.currentTimeMillis();
        mr.up();
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "after", 1_764_201_600_000_000L));
        await().atMost(DEADLINE).until(() -> poller.accepted() == 2);
        await().atMost(DEADLINE).until(() -> receiver.watermark(Channel.DMAAP) >= upAt);
        assertThat(poller.isBlind()).isFalse();
        assertThat(receiver.watermarks().parts()).singleElement().satisfies(w -> {
            assertThat(w.name()).isEqualTo("dmaap:" + mr.topicUrl(TOPIC));
            assertThat(w.spells()).singleElement().satisfies(spell -> assertThat(spell.fromMillis()).isEqualTo(stalled));
        });
    }

    @Test
    void afterAnOutageTheBlindSpellEndsAtTheFirstAnswerAndDrainingTheBacklogIsLag() {
        mr.setMaxWait(Duration.ofMillis(50));
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "before", 1_764_201_600_000_000L));
        start(settings().withLongPollTimeout(Duration.ofMillis(200)).withLimit(2));
        await().atMost(DEADLINE).until(() -> poller.accepted() == 1);
        await().atMost(DEADLINE).until(() -> receiver.watermark(Channel.DMAAP) > 0 && receiver.watermark(Channel.DMAAP) < Long.MAX_VALUE);

        mr.down();
        await().atMost(DEADLINE).until(poller::isBlind);
        long stalled = receiver.watermark(Channel.DMAAP);
        for (int i = 0; i < 10; i++) mr.enqueue(TOPIC, event("Heartbeat_vDNS", "backlog-" + i, 1_764_201_600_000_000L));
        receiver.onAccept(() -> sleepMillis(5)); // each page of two takes 10 ms or more to read
        mr.up();

        await().atMost(DEADLINE).until(() -> poller.accepted() == 11);
        await().atMost(DEADLINE).until(() -> !poller.isBlind());
        List<RecordingReceiver.Received> backlog = receiver.received().subList(1, 11);
        assertThat(receiver.watermarks().parts().getFirst().spells()).singleElement().satisfies(spell -> {
            assertThat(spell.fromMillis()).isEqualTo(stalled);
            // MR answered the first full page: that poll's start ends the spell, not the drain's end (five pages)
            assertThat(spell.toMillis()).isLessThanOrEqualTo(backlog.getFirst().arrivedAtMillis());
            assertThat(spell.toMillis()).isLessThan(backlog.getLast().arrivedAtMillis());
        });
        assertThat(receiver.watermark(Channel.DMAAP)).as("the watermark moved once the backlog was read")
                .isGreaterThanOrEqualTo(backlog.getLast().arrivedAtMillis());
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void backoffIsCountedFromTheFailedPollsStart() {
        Duration backoff = Duration.ofMillis(1000);
        assertThat(DmaapPoller.retryDelay(backoff, 10_000, 10_003)).as("a refused poll waits the backoff").hasMillis(997);
        assertThat(DmaapPoller.retryDelay(backoff, 10_000, 10_999)).hasMillis(1);
        assertThat(DmaapPoller.retryDelay(backoff, 10_000, 16_000)).as("a poll that hung until its deadline waited enough").hasMillis(1);
        assertThat(DmaapPoller.retryDelay(backoff, 10_000, 9_000)).as("a clock that stepped back never lengthens it").hasMillis(1000);
    }

    @Test
    void errorStatusAndMalformedAnswerAreFailuresThatBackOff() {
        mr.answerNextPollWith(503, "{\"mrstatus\":503}");
        mr.answerNextPollWith(200, "{\"not\":\"an array\"}");
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "vdns-1", 1_764_201_600_000_000L));
        start(settings());

        await().atMost(DEADLINE).until(() -> poller.accepted() == 1);
        assertThat(poller.pollErrors()).isEqualTo(2);
        assertThat(backoffRequests).containsExactly(1, 2);
    }

    @Test
    void stopAbortsTheHeldPollAndEndsTheLoop() throws Exception {
        start(settings());
        await().atMost(DEADLINE).until(() -> mr.pollCount(TOPIC) == 1);

        poller.stop().toCompletableFuture().get(2, TimeUnit.SECONDS);
        // the stand-in has seen the aborted poll's socket close (else it could hand the item below to that socket)
        await().atMost(DEADLINE).until(() -> mr.heldPolls(TOPIC) == 0);
        mr.enqueue(TOPIC, event("Heartbeat_vDNS", "late", 1_764_201_600_000_000L));

        // the loop has ended: nobody takes the item that arrives after stop (a poll already on the wire when stop
        // ran may still reach the stand-in on a busy machine, so the poll count itself is not the criterion)
        await().during(Duration.ofMillis(300)).atMost(DEADLINE)
                .until(() -> mr.queued(TOPIC) == 1 && receiver.heartbeats().isEmpty() && poller.accepted() == 0);
    }
}
