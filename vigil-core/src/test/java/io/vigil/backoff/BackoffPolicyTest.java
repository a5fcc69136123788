package io.vigil.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

    @Test
    void delayDoublesFromInitialUntilTheCap() {
        BackoffPolicy policy = new BackoffPolicy.ExponentialBackoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0.2, () -> 0.0);

        assertThat(IntStream.rangeClosed(1, 10).mapToObj(policy::delayAfter).map(Duration::toMillis))
                .containsExactly(200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 30000L, 30000L);
    }

    @Test
    void jitterOnlyShortensTheDelayByAtMostItsFraction() {
        BackoffPolicy shortest = new BackoffPolicy.ExponentialBackoff(Duration.ofMillis(1000), Duration.ofSeconds(30), 0.2, () -> 0.999999);

        assertThat(shortest.delayAfter(1).toMillis()).isBetween(800L, 1000L);
        BackoffPolicy random = BackoffPolicy.exponential(Duration.ofMillis(1000), Duration.ofSeconds(30));
        IntStream.range(0, 1000).forEach(i -> assertThat(random.delayAfter(1).toMillis()).isBetween(800L, 1000L));
    }

    @Test
    void hugeFailureCountsStayAtTheCapWithoutOverflow() {
        BackoffPolicy policy = new BackoffPolicy.ExponentialBackoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0.0, () -> 0.5);

        assertThat(policy.delayAfter(64)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void capBelowInitialIsRejected() {
        assertThatThrownBy(() -> BackoffPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("below initial");
    }
}
