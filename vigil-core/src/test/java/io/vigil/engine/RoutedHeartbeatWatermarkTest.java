package io.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.ingest.Channel;
import io.vigil.ingest.Watermark;
import io.vigil.ingest.Watermarks;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Partition mode routes HTTP heartbeats through the Kafka topic (docs/ha.md): the sender's heartbeat is read by an
 * HTTP event loop, written to the topic, and reaches the owner's engine as a heartbeat of {@link Channel#KAFKA} with
 * its own (event) time. When the event loops stall, heartbeats wait in their sockets while the Kafka consumer keeps
 * proving it has read the topic to its end; a stuck heartbeat then arrives seconds after its event time. Judged on the
 * Kafka watermark alone, the source's deadline has passed on evidence that did not cover the HTTP hop: an ONSET,
 * and an ABATED as soon as the next stuck heartbeat comes through (the false alarm of ActiveActiveKafkaTest under
 * load). With HTTP {@linkplain Watermarks#route routed} into Kafka, such a source is judged on both watermarks.
 * Manual clock throughout, timeBase event as in production.
 */
class RoutedHeartbeatWatermarkTest {
    private static final String HB = "Heartbeat_vHA";
    /** interval 1 s x 2 missed. */
    private static final long LIMIT = 2000;
    private final ManualClock clock = new ManualClock();
    private final List<ChangeEvent> events = new ArrayList<>();
    private final Watermarks watermarks = new Watermarks(clock);
    private Watermark http;
    private Watermark kafka;
    private Engine engine;
    private long start;

    @BeforeEach
    void setUp() {
        http = watermarks.register(Channel.HTTP, "http", Duration.ofMillis(1000));
        kafka = watermarks.register(Channel.KAFKA, "kafka:vigil", Duration.ofMillis(2000));
        engine = new Engine(clock, events::add, -1, watermarks);
        engine.configure(List.of(new Monitor(HB, Duration.ofMillis(1000), 2, TimeBase.EVENT, ClosedLoop.NONE)));
        engine.tick();
        start = clock.millis();
    }

    /** A heartbeat the sender made at {@code sentAt} reaches the engine now, read back from the topic. */
    private void readFromTopic(String source, long sentAt) {
        engine.accept(new Heartbeat(HB, source, sentAt), Channel.KAFKA);
    }

    /**
     * Moves the clock in 10 ms steps; the consumer proves the topic read up to 100 ms ago; the HTTP loops prove
     * they hear while {@code httpHears}.
     */
    private void run(long ms, boolean httpHears) {
        for (long i = 0; i < ms; i += 10) {
            clock.advanceMillis(10);
            kafka.advanceTo(clock.millis() - 100);
            if (httpHears) http.advanceTo(clock.millis());
            engine.tick();
        }
    }

    private List<String> kinds() {
        return events.stream().map(e -> e.source().sourceName() + ":" + e.kind()).toList();
    }

    /**
     * The sender beats every 250 ms over HTTP; from 500 ms the event loops stall for 3.2 s (the heartbeats made from
     * then on wait in a socket). At 3.7 s the loop runs again and the oldest stuck one (made at 750 ms) is in the
     * topic; it is read at 3.75 s, when the Kafka watermark (3.65 s) is past its deadline (2.751 s).
     */
    private void stallHttpThenDeliverTheStuckHeartbeat() {
        readFromTopic("via-http", start);
        run(250, true);
        readFromTopic("via-http", start + 250);
        run(250, true);
        readFromTopic("via-http", start + 500);
        run(3200, false); // heartbeats made at 750, 1000, … wait in the stalled loop
        http.advanceTo(start + 500); // nothing more proven: the loop has not run its timers yet
        run(50, false);
        readFromTopic("via-http", start + 750);
        run(10, false);
    }

    @Test
    void aKafkaSourceIsJudgedOnTheKafkaWatermarkAloneUnlessHttpIsRoutedIntoKafka() {
        stallHttpThenDeliverTheStuckHeartbeat();

        // the mechanism of the false alarm: nothing tells this engine that the Kafka evidence skipped the HTTP hop
        assertThat(kinds()).containsExactly("via-http:ALIVE", "via-http:ONSET");
    }

    @Test
    void aHeartbeatHeldUpInAStalledHttpLoopAndRoutedThroughKafkaRaisesNoAlarm() {
        watermarks.route(Channel.HTTP, Channel.KAFKA);
        stallHttpThenDeliverTheStuckHeartbeat();
        assertThat(kinds()).as("held: the HTTP watermark (500 ms) is short of the deadline").containsExactly("via-http:ALIVE");
        assertThat(engine.blindHeld(Channel.KAFKA)).isEqualTo(1);

        // the loop runs its timers (a 3.2 s blind spell) and hands over what waited, oldest first
        http.advanceTo(clock.millis());
        for (long sent = start + 1000; sent <= clock.millis(); sent += 250) readFromTopic("via-http", sent);
        for (int beat = 0; beat < 20; beat++) {
            run(250, true);
            readFromTopic("via-http", clock.millis());
        }

        assertThat(kinds()).as("a live source whose heartbeats waited in a stalled loop").containsExactly("via-http:ALIVE");
        assertThat(engine.blindHeld(Channel.KAFKA)).isZero();
    }

    @Test
    void aSourceThatDiedWhileHttpWasStalledGetsOneOnsetOnceTheLoopHearsAgain() {
        watermarks.route(Channel.HTTP, Channel.KAFKA);
        readFromTopic("gone", start);
        run(500, true);
        readFromTopic("gone", start + 500); // its last heartbeat
        run(3000, false);
        assertThat(kinds()).containsExactly("gone:ALIVE");

        http.advanceTo(clock.millis()); // blind from 500 ms to 3.5 s: that time is not silence
        long recovered = clock.millis();
        run(LIMIT - 600, true);
        assertThat(kinds()).as("silent outside the blind spell for less than its limit").containsExactly("gone:ALIVE");
        run(1000, true);
        assertThat(kinds()).containsExactly("gone:ALIVE", "gone:ONSET");
        long onsetAt = events.getLast().atMillis();
        assertThat(onsetAt).as("no later than recovery + limit + the Kafka lag").isBetween(recovered, recovered + LIMIT + 200);
        run(5000, true);
        assertThat(kinds()).as("exactly one").containsExactly("gone:ALIVE", "gone:ONSET");
    }

    @Test
    void routingHttpIntoKafkaLeavesHttpSourcesJudgedOnHttpAlone() {
        watermarks.route(Channel.HTTP, Channel.KAFKA);
        assertThat(watermarks.judgedOn(Channel.KAFKA)).containsExactlyInAnyOrder(Channel.KAFKA, Channel.HTTP);
        assertThat(watermarks.judgedOn(Channel.HTTP)).containsExactly(Channel.HTTP);

        engine.accept(new Heartbeat(HB, "direct", start), Channel.HTTP);
        run(500, true);
        run(LIMIT, true); // the consumer is 100 ms behind: an HTTP source does not wait for it
        assertThat(kinds()).containsExactly("direct:ALIVE", "direct:ONSET");
    }
}
