package io.vigil.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.ingest.Channel;
import io.vigil.ingest.Watermark;
import io.vigil.ingest.Watermarks;
import io.vigil.time.ManualClock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka channel's watermark on a manual clock: it moves to the time an end-offset probe was sent, and only for
 * partitions read to the end the broker answered.
 */
class PartitionWatermarksTest {
    private static final TopicPartition P0 = new TopicPartition("hb", 0);
    private static final TopicPartition P1 = new TopicPartition("hb", 1);
    private static final long ROUND_TRIP = 7;

    private final ManualClock clock = new ManualClock(1_000_000);
    private final Watermarks watermarks = new Watermarks(clock);
    private final Watermark watermark = watermarks.register(Channel.KAFKA, "kafka:test", Duration.ofSeconds(2));
    private final Broker consumer = new Broker();
    private final PartitionWatermarks partitions = new PartitionWatermarks(watermark, clock, false, Duration.ofMillis(200));

    /** The broker's side of a probe: its end offsets, the round trip it takes, or no answer at all. */
    private final class Broker extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, Long> logEnd = new HashMap<>();
        final Map<TopicPartition, Long> lastFetchedEnd = new HashMap<>();
        boolean down;
        int probes;

        Broker() {
            super(AutoOffsetResetStrategy.EARLIEST.name());
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
            probes++;
            if (down) {
                clock.advance(timeout);
                throw new TimeoutException("no answer");
            }
            Map<TopicPartition, Long> answer = new HashMap<>();
            for (TopicPartition tp : partitions) answer.put(tp, logEnd.getOrDefault(tp, 0L));
            clock.advanceMillis(ROUND_TRIP); // the answer comes back later than the request went out
            return answer;
        }

        /** As the consumer computes it: from the end offset of the last fetch answer. */
        @Override
        public OptionalLong currentLag(TopicPartition tp) {
            Long end = lastFetchedEnd.get(tp);
            return end == null ? OptionalLong.empty() : OptionalLong.of(end - position(tp));
        }

        /** A fetch answer read every partition to the current end of the log. */
        void readToEnd() {
            for (TopicPartition tp : assignment()) {
                long end = logEnd.getOrDefault(tp, 0L);
                seek(tp, end);
                lastFetchedEnd.put(tp, end);
            }
        }
    }

    @BeforeEach
    void assign() {
        consumer.assign(List.of(P0, P1));
        consumer.logEnd.put(P0, 10L);
        consumer.logEnd.put(P1, 20L);
    }

    private void poll(boolean gotRecords) {
        partitions.pollStarting();
        partitions.pollAnswered(consumer, gotRecords);
    }

    @Test
    void watermarkIsTheTimeTheProbeWentOutNotWhenItCameBack() {
        consumer.readToEnd();
        clock.advanceMillis(100);
        long asked = clock.millis();
        poll(true);

        assertThat(watermark.millis()).isEqualTo(asked);
        assertThat(clock.millis()).isEqualTo(asked + ROUND_TRIP);
    }

    @Test
    void recordAppendedBeforeTheProbeAndNotYetReadHoldsTheWatermarkUntilItIsRead() {
        consumer.readToEnd();
        poll(true);
        long proven = watermark.millis();

        clock.advanceMillis(50);
        consumer.logEnd.put(P1, 21L); // appended; the last fetch answer did not show it
        long askedWhileBehind = clock.millis();
        poll(false);
        assertThat(watermark.millis()).as("P1 has not read offset 20 yet").isEqualTo(proven);

        clock.advanceMillis(5);
        consumer.readToEnd(); // the next fetch brings it; no probe this time (within the interval)
        poll(true);
        assertThat(consumer.probes).isEqualTo(2);
        assertThat(watermark.millis()).as("the probe that saw offset 20 proves its time once it is read").isEqualTo(askedWhileBehind);
    }

    @Test
    void consumerCatchingUpIsProvenStepByStepAsItReachesEachProbesEnd() {
        consumer.logEnd.put(P0, 100L);
        consumer.logEnd.put(P1, 100L);
        consumer.seek(P0, 100);
        consumer.seek(P1, 0);
        consumer.lastFetchedEnd.put(P0, 100L);
        consumer.lastFetchedEnd.put(P1, 100L);
        long first = clock.millis();
        poll(true); // probe: ends 100 / 100
        clock.advanceMillis(PartitionWatermarks.PROBE_EVERY_MILLIS);
        consumer.logEnd.put(P1, 150L); // appended meanwhile
        long second = clock.millis();
        poll(true); // probe: ends 100 / 150
        assertThat(watermark.millis()).isEqualTo(watermark.registeredAtMillis());

        clock.advanceMillis(PartitionWatermarks.PROBE_EVERY_MILLIS);
        consumer.seek(P1, 120); // read past the first probe's end, short of the second's
        consumer.logEnd.put(P1, 200L);
        poll(true);
        assertThat(watermark.millis()).isEqualTo(first);

        clock.advanceMillis(5);
        consumer.seek(P1, 150);
        poll(true);
        assertThat(watermark.millis()).isEqualTo(second);
    }

    @Test
    void partitionWithNoPositionYetIsNotProbed() {
        consumer.readToEnd();
        consumer.lastFetchedEnd.remove(P0); // just assigned: no fetch answer, no lag
        clock.advanceMillis(100);
        poll(true);

        assertThat(consumer.probes).isZero();
        assertThat(watermark.millis()).isEqualTo(watermark.registeredAtMillis());
    }

    @Test
    void atMostOneProbePerInterval() {
        consumer.readToEnd();
        poll(true);
        clock.advanceMillis(PartitionWatermarks.PROBE_EVERY_MILLIS - ROUND_TRIP - 1);
        poll(true);
        assertThat(consumer.probes).isEqualTo(1);

        clock.advanceMillis(1);
        poll(true);
        assertThat(consumer.probes).isEqualTo(2);
    }

    /** Reads to the end, then the broker is down for five seconds of polls. @return the watermark before it */
    private long provenThenFiveSecondsDown() {
        consumer.readToEnd();
        poll(true);
        long lastProven = watermark.millis();
        consumer.down = true;
        for (int i = 0; i < 50; i++) {
            clock.advanceMillis(100);
            poll(false); // no fetch answer either
        }
        return lastProven;
    }

    @Test
    void brokerDownStallsTheWatermarkAndRecoveryIsABlindSpell() {
        long lastProven = provenThenFiveSecondsDown();
        assertThat(watermark.millis()).isEqualTo(lastProven);
        assertThat(consumer.probes).as("a failed probe waits for a fetch answer before the next").isEqualTo(2);
        assertThat(watermark.isBlind(clock.millis())).isTrue();

        consumer.down = false;
        clock.advanceMillis(100);
        consumer.readToEnd();
        long asked = clock.millis();
        poll(true);
        assertThat(watermark.millis()).isEqualTo(asked);
        assertThat(watermark.spells()).singleElement().satisfies(s -> {
            assertThat(s.fromMillis()).isEqualTo(lastProven);
            assertThat(s.toMillis()).isEqualTo(asked);
        });
    }

    @Test
    void afterAnOutageTheBlindSpellEndsAtTheFirstAnswerAndCatchingUpIsLag() {
        long lastProven = provenThenFiveSecondsDown();
        consumer.down = false;
        consumer.logEnd.put(P0, 5_000L); // the backlog producers appended meanwhile
        consumer.logEnd.put(P1, 5_000L);
        consumer.lastFetchedEnd.put(P0, 5_000L);
        consumer.lastFetchedEnd.put(P1, 5_000L);
        clock.advanceMillis(100);
        long back = clock.millis();
        poll(true); // the broker answers; both partitions are far behind

        assertThat(watermark.millis()).as("not caught up: the watermark waits").isEqualTo(lastProven);
        assertThat(watermark.spells()).as("the broker answered: the outage's blind spell ends there").singleElement()
                .satisfies(s -> {
                    assertThat(s.fromMillis()).isEqualTo(lastProven);
                    assertThat(s.toMillis()).isEqualTo(back);
                });

        for (int i = 0; i < 30; i++) { // three seconds of catching up, answered probes all along
            clock.advanceMillis(100);
            poll(true);
        }
        consumer.readToEnd();
        clock.advanceMillis(100);
        long caughtUp = clock.millis();
        poll(true);
        assertThat(watermark.millis()).isGreaterThanOrEqualTo(caughtUp - 100);
        assertThat(watermark.spells()).as("the catch-up is no blind spell").hasSize(1);
    }

    @Test
    void oldestPartitionHoldsTheChannel() {
        consumer.readToEnd();
        poll(true);
        long bothProven = watermark.millis();

        clock.advanceMillis(100);
        consumer.logEnd.put(P0, 11L);
        consumer.lastFetchedEnd.put(P0, 11L); // P0 has one record left to read; P1 is at its end
        poll(true);
        assertThat(watermark.millis()).isEqualTo(bothProven);
    }
}
