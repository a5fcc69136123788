package io.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceAdmissionTest {

    @Test
    void aBucketOfOneSecondRefillsContinuously() {
        SourceAdmission a = new SourceAdmission(new IngestLimits(255, 1_000_000, 10));
        long t = 1_000_000;
        for (int i = 0; i < 10; i++) assertThat(a.admit(t, 0)).isTrue();
        assertThat(a.admit(t, 0)).isFalse();
        assertThat(a.admit(t + 99, 0)).isFalse();
        assertThat(a.admit(t + 100, 0)).isTrue(); // 10 per second: one every 100 ms
        assertThat(a.admit(t + 60_000, 0)).isTrue();
        int burst = 0;
        while (a.admit(t + 60_000, 0)) burst++;
        assertThat(burst).as("a long pause never saves more than one second's worth").isEqualTo(9);
        assertThat(a.refusedOverRate()).isEqualTo(3);
    }

    @Test
    void maxSourcesRefusesWithoutSpendingTokens() {
        SourceAdmission a = new SourceAdmission(new IngestLimits(255, 5, 10));
        assertThat(a.admit(0, 5)).isFalse();
        assertThat(a.admit(0, 4)).isTrue();
        assertThat(a.refusedAtMaxSources()).isEqualTo(1);
        assertThat(a.refusedOverRate()).isZero();
    }

    @Test
    void newLimitsApplyAtOnce() {
        SourceAdmission a = new SourceAdmission(new IngestLimits(255, 100, 100));
        a.setLimits(new IngestLimits(255, 100, 1));
        assertThat(a.admit(0, 0)).isTrue();
        assertThat(a.admit(0, 0)).isFalse();
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new IngestLimits(256, 1, 1)).hasMessageContaining("limits.nameLength must be 1..255");
        assertThatThrownBy(() -> new IngestLimits(0, 1, 1)).hasMessageContaining("limits.nameLength");
        assertThatThrownBy(() -> new IngestLimits(255, 0, 1)).hasMessageContaining("limits.maxSources");
        assertThatThrownBy(() -> new IngestLimits(255, 1, 0)).hasMessageContaining("limits.newSourcesPerSecond");
    }
}
