package io.vigil.backoff;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt after {@code failures} consecutive failures. Pure: implementations keep no
 * state, so one policy can be shared by many relays and pollers, and tests can swap in millisecond delays.
 */
@FunctionalInterface
public interface BackoffPolicy {

    /** The pause before the next attempt; {@code failures} is ≥ 1 (1 after the first failure). Never negative. */
    Duration delayAfter(int failures);

    /**
     * Exponential backoff: {@code initial} doubling per failure up to {@code max}, each delay shortened by a random
     * fraction of up to 20 % so that many retriers hitting one receiver do not fire in lockstep.
     */
    static BackoffPolicy exponential(Duration initial, Duration max) {
        return new ExponentialBackoff(initial, max, 0.2, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Exponential backoff without jitter: {@code initial} doubling per failure up to {@code max}. For a loop that is
     * alone in retrying its resource (the journal thread against the store, a collector probe), where lockstep with
     * other retriers cannot happen and a predictable delay reads better in logs.
     */
    static BackoffPolicy doubling(Duration initial, Duration max) {
        return new ExponentialBackoff(initial, max, 0, () -> 0);
    }

    /** The same pause after every failure (tests, or receivers that dislike growing gaps). */
    static BackoffPolicy fixed(Duration delay) {
        return failures -> delay;
    }

    /**
     * Exponential backoff with explicit jitter and random source (seeded in tests).
     *
     * @param jitter fraction in [0, 1) by which a delay may be shortened at random
     * @param random values in [0, 1)
     */
    record ExponentialBackoff(Duration initial, Duration max, double jitter, DoubleSupplier random)
            implements BackoffPolicy {

        public ExponentialBackoff {
            if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial backoff must be > 0, got " + initial);
            if (max.compareTo(initial) < 0) throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
            if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
        }

        @Override
        public Duration delayAfter(int failures) {
            long initialNanos = initial.toNanos();
            long maxNanos = max.toNanos();
            // Doubling by shifting; stop before overflow (2^62 ns is far beyond any sane cap).
            int shift = Math.min(Math.max(failures, 1) - 1, Long.numberOfLeadingZeros(initialNanos) - 2);
            long nanos = shift < 0 ? maxNanos : Math.min(maxNanos, initialNanos << shift);
            long jittered = (long) (nanos * (1.0 - jitter * random.getAsDouble()));
            return Duration.ofNanos(jittered);
        }
    }
}
