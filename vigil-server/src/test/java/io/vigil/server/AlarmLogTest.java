package io.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlarmLogTest {
    private final CapturedLog log = CapturedLog.of("io.vigil.server.AlarmLogTest.alarms");
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AlarmLog alarms = new AlarmLog(log.logger(), now::get, 3);

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void fewAlarmsGetOneInfoLineEachAsBefore() {
        alarms.written(onset(1));
        alarms.written(abated(2));
        now.addAndGet(5_000);
        alarms.flush();

        assertThat(lines(Level.INFO)).containsExactly(
                "ONSET Heartbeat_x vnf-1 (silent) requestID=outage-1",
                "ABATED Heartbeat_x vnf-2 (heard) requestID=outage-2");
    }

    @Test
    void aStormGetsItsFirstLinesThenOneSummaryPerSecond() {
        for (int i = 0; i < 10; i++) alarms.written(onset(i));
        alarms.written(abated(10));
        now.addAndGet(999);
        alarms.flush(); // the second is not over yet: no summary
        assertThat(lines(Level.INFO)).hasSize(3);

        now.addAndGet(1);
        alarms.flush();

        List<String> info = lines(Level.INFO);
        assertThat(info).hasSize(4);
        assertThat(info.subList(0, 3)).allMatch(l -> l.startsWith("ONSET Heartbeat_x vnf-"));
        assertThat(info.get(3)).startsWith("… and 7 more ONSET, 1 more ABATED events written within 1 s");
        alarms.flush();
        assertThat(lines(Level.INFO)).hasSize(4); // summarized once
    }

    @Test
    void theNextSecondsFirstAlarmWritesThePreviousSummaryFirst() {
        for (int i = 0; i < 5; i++) alarms.written(onset(i));
        now.addAndGet(1_200);
        alarms.written(onset(99));

        List<String> info = lines(Level.INFO);
        assertThat(info).hasSize(5);
        assertThat(info.get(3)).startsWith("… and 2 more ONSET, 0 more ABATED");
        assertThat(info.get(4)).isEqualTo("ONSET Heartbeat_x vnf-99 (silent) requestID=outage-99");
    }

    @Test
    void everyAlarmIsStillLoggedAtDebug() {
        log.logger().setLevel(Level.DEBUG);
        for (int i = 0; i < 10; i++) alarms.written(onset(i));

        assertThat(lines(Level.INFO)).hasSize(3);
        assertThat(lines(Level.DEBUG)).hasSize(7).allMatch(l -> l.startsWith("ONSET Heartbeat_x vnf-"));
    }

    @Test
    void bookkeepingEventsAreNotLogged() {
        alarms.written(new ChangeEvent("id", new SourceKey("Heartbeat_x", "vnf-1"), LivenessState.UNKNOWN,
                LivenessState.ALIVE, 1, 1, null, 0, 0, "first heartbeat"));

        assertThat(log.lines()).isEmpty();
    }

    private List<String> lines(Level level) {
        return log.lines(level);
    }

    private static ChangeEvent onset(int i) {
        return new ChangeEvent("id-" + i, new SourceKey("Heartbeat_x", "vnf-" + i), LivenessState.ALIVE,
                LivenessState.MISSING, 10, 1, "outage-" + i, 10, 0, "silent");
    }

    private static ChangeEvent abated(int i) {
        return new ChangeEvent("id-" + i, new SourceKey("Heartbeat_x", "vnf-" + i), LivenessState.MISSING,
                LivenessState.ALIVE, 10, 10, "outage-" + i, 5, 10, "heard");
    }
}
