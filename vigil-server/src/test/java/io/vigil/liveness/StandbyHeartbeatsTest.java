package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.ingest.IngestLimits;
import io.vigil.server.RunningServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a standby keeps for a takeover without a gap: the newest arrival per source, and bodies to replay. */
class StandbyHeartbeatsTest {
    private static final String HB = "Heartbeat_vDNS";

    private static byte[] body(String source) {
        return RunningServer.heartbeat(HB, source).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheNewestArrivalOfEverySourceAndIgnoresUnusableBodies() {
        StandbyHeartbeats kept = new StandbyHeartbeats();
        assertThat(kept.keep(body("a"), IngestLimits.DEFAULTS, 2_000)).isTrue();
        assertThat(kept.keep(body("a"), IngestLimits.DEFAULTS, 1_000)).isTrue(); // an older arrival changes nothing
        assertThat(kept.keep(body("b"), IngestLimits.DEFAULTS, 1_500)).isTrue();
        assertThat(kept.keep("{not json".getBytes(StandardCharsets.UTF_8), IngestLimits.DEFAULTS, 3_000)).isFalse();

        assertThat(kept.drain()).extracting(k -> k.heartbeat().sourceName() + "@" + k.arrivedAtMillis())
                .containsExactlyInAnyOrder("a@2000", "b@1500");
        assertThat(kept.drain()).isEmpty();
    }

    @Test
    void undeliveredBodiesAreReplayedOldestFirstAndAFailedOneGoesBackToTheFront() {
        StandbyHeartbeats kept = new StandbyHeartbeats();
        kept.undelivered(body("1"));
        kept.undelivered(body("2"));
        byte[] first = kept.nextUndelivered();
        assertThat(new String(first, StandardCharsets.UTF_8)).contains("\"1\"");
        kept.retryLater(first);
        assertThat(new String(kept.nextUndelivered(), StandardCharsets.UTF_8)).contains("\"1\"");
        assertThat(new String(kept.nextUndelivered(), StandardCharsets.UTF_8)).contains("\"2\"");
        assertThat(kept.nextUndelivered()).isNull();
        assertThat(kept.keptCount()).isEqualTo(2);
    }

    @Test
    void aFullReplayQueueDropsTheOldestAndCountsIt() {
        StandbyHeartbeats kept = new StandbyHeartbeats();
        for (int i = 0; i <= StandbyHeartbeats.MAX_UNDELIVERED; i++) kept.undelivered(new byte[] {(byte) i});
        assertThat(kept.undeliveredCount()).isEqualTo(StandbyHeartbeats.MAX_UNDELIVERED);
        assertThat(kept.droppedCount()).isEqualTo(1);
        assertThat(kept.nextUndelivered()).containsExactly((byte) 1);
    }

    @Test
    void theReplayQueueIsBoundedInBytesToo() {
        StandbyHeartbeats kept = new StandbyHeartbeats();
        byte[] big = new byte[1 << 20];
        int fit = (int) (StandbyHeartbeats.MAX_UNDELIVERED_BYTES / big.length);
        for (int i = 0; i < fit + 3; i++) kept.undelivered(big.clone());
        assertThat(kept.undeliveredCount()).isEqualTo(fit);
        assertThat(kept.droppedCount()).isEqualTo(3);
        // taken and put back: the byte count follows
        byte[] first = kept.nextUndelivered();
        kept.retryLater(first);
        kept.undelivered(big.clone());
        assertThat(kept.undeliveredCount()).isEqualTo(fit);
    }

    @Test
    void pastMaxSourcesANewSourceIsNotNotedButKnownOnesStillAre() {
        StandbyHeartbeats kept = new StandbyHeartbeats();
        IngestLimits two = new IngestLimits(IngestLimits.DEFAULTS.nameLength(), 2, IngestLimits.DEFAULTS.newSourcesPerSecond());
        kept.keep(body("a"), two, 1_000);
        kept.keep(body("b"), two, 1_000);
        assertThat(kept.keep(body("c"), two, 1_000)).as("usable: the active may still take it").isTrue();
        kept.keep(body("a"), two, 2_000);
        assertThat(kept.notKeptCount()).isEqualTo(1);
        assertThat(kept.drain()).extracting(k -> k.heartbeat().sourceName() + "@" + k.arrivedAtMillis())
                .containsExactlyInAnyOrder("a@2000", "b@1000");
    }
}
