package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.engine.ChangeEvent;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.ingest.Channel;
import io.vigil.ingest.IngestLimits;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19.2: a flood of new sources must not delay anyone's ONSET. The journal is held closed while a flood of
 * first-seen events and then a canary's ONSET are decided; once it may write, the ONSET goes first. The assertion is on
 * the order of writes, not on wall time.
 */
class JournalPriorityTest {
    private static final String HB = "Heartbeat_vDNS";
    private static final int FLOOD = 5_000;

    @TempDir
    Path dir;

    @Test
    void aCanarysOnsetIsWrittenBeforeAFloodOfFirstSeenBookkeepingDecidedEarlier() throws Exception {
        ManualClock clock = new ManualClock();
        AtomicBoolean storeOpen = new AtomicBoolean(false);
        List<ChangeEvent> written = new CopyOnWriteArrayList<>();
        try (Database db = Database.h2File(dir)) {
            long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "test", Duration.ofMinutes(5)).orElseThrow().epoch();
            LivenessService liveness = new LivenessService(clock, new StateWriter(db), new SourceRepository(db),
                    Duration.ofHours(1), Duration.ZERO, e -> storeOpen.get(), () -> { }, written::add);
            try {
                liveness.setLimits(new IngestLimits(255, 1_000_000, 1_000_000));
                liveness.configure(List.of(new Monitor(HB, Duration.ofMillis(100), 1, TimeBase.ARRIVAL, ClosedLoop.NONE)));
                liveness.activate(epoch);
                liveness.accept(new Heartbeat(HB, "canary", 0), Channel.HTTP);
                clock.advanceMillis(50);
                for (int i = 0; i < FLOOD; i++) liveness.accept(new Heartbeat(HB, "flood-" + i, 0), Channel.HTTP);
                clock.advanceMillis(60); // the canary is silent 110 ms > 100 ms; the flood only 60 ms
                SourceKey canary = new SourceKey(HB, "canary");
                await().atMost(Duration.ofSeconds(30)).until(() -> liveness.engine().source(canary).state() == LivenessState.MISSING);
                await().atMost(Duration.ofSeconds(30)).until(() -> liveness.pendingEvents() >= FLOOD + 2);

                storeOpen.set(true);
                await().atMost(Duration.ofSeconds(60)).until(() -> written.size() >= FLOOD + 1);
                int onsetAt = -1;
                for (int i = 0; i < written.size(); i++) {
                    if (written.get(i).kind().equals(ChangeEvent.ONSET)) onsetAt = i;
                }
                assertThat(onsetAt).as("the ONSET is in the first transaction, ahead of %d first-seen events", FLOOD).isZero();
                assertThat(written.stream().filter(e -> e.kind().equals(ChangeEvent.ALIVE)).count())
                        .as("the canary's own first-seen event was overtaken by its ONSET and is not written")
                        .isEqualTo(FLOOD);
                assertThat(new SourceRepository(db).loadAll()).filteredOn(s -> s.key().equals(canary))
                        .extracting(s -> s.state()).containsExactly(LivenessState.MISSING);
            } finally {
                liveness.close();
            }
        }
    }
}
