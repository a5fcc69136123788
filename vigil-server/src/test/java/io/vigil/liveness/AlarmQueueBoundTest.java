package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlarmQueueBoundTest {
    private static final long GIB = 1L << 30;

    @Test
    void everyTrackedSourceMayGoSilentAtOnceWhenTheHeapHasRoom() {
        // 1M sources under the launcher's 1 GiB heap: a 1M-source storm is decided without waiting for the store
        assertThat(LivenessService.alarmQueueBound(1_000_000, GIB)).isEqualTo(1_000_000);
    }

    @Test
    void theHeapCapsTheBound() {
        // the default limits.maxSources (2M) under 1 GiB: 40 % of the heap at 400 bytes per queued event
        assertThat(LivenessService.alarmQueueBound(2_000_000, GIB)).isEqualTo(GIB / 100 * 40 / 400);
        assertThat(LivenessService.alarmQueueBound(2_000_000, 4 * GIB)).isEqualTo(2_000_000);
    }

    @Test
    void neverBelowTheFormerFixedBound() {
        assertThat(LivenessService.alarmQueueBound(10_000, GIB)).isEqualTo(LivenessService.MIN_QUEUED_ALARMS);
        assertThat(LivenessService.alarmQueueBound(2_000_000, 64L << 20)).isEqualTo(LivenessService.MIN_QUEUED_ALARMS);
    }
}
