package io.vigil.transport.relay;

import io.vigil.backoff.BackoffPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of an {@link OutboxRelay}.
 *
 * @param batchSize    records read from the outbox per query
 * @param pollInterval how often the relay looks at the outbox when nobody calls {@link OutboxRelay#wakeUp()}
 * @param backoff      pause between attempts after a failed delivery (also after a failed outbox query)
 * @param closeTimeout how long {@link OutboxRelay#close()} waits for the in-flight delivery before giving up on it
 * @param clock        time source for the age gauge
 */
public record RelaySettings(int batchSize, Duration pollInterval, BackoffPolicy backoff, Duration closeTimeout, Clock clock) {

    public RelaySettings {
        if (batchSize < 1) throw new IllegalArgumentException("relay batchSize must be >= 1, got " + batchSize);
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(clock, "clock");
    }

    /** 500 records per query, 1 s fallback poll, 200 ms doubling to 30 s with jitter, 15 s to finish on close. */
    public static RelaySettings defaults() {
        return new RelaySettings(500, Duration.ofSeconds(1),
                BackoffPolicy.exponential(Duration.ofMillis(200), Duration.ofSeconds(30)),
                Duration.ofSeconds(15), Clock.systemUTC());
    }

    public RelaySettings withBatchSize(int value) {
        return new RelaySettings(value, pollInterval, backoff, closeTimeout, clock);
    }

    public RelaySettings withPollInterval(Duration value) {
        return new RelaySettings(batchSize, value, backoff, closeTimeout, clock);
    }

    public RelaySettings withBackoff(BackoffPolicy value) {
        return new RelaySettings(batchSize, pollInterval, value, closeTimeout, clock);
    }

    public RelaySettings withCloseTimeout(Duration value) {
        return new RelaySettings(batchSize, pollInterval, backoff, value, clock);
    }

    public RelaySettings withClock(Clock value) {
        return new RelaySettings(batchSize, pollInterval, backoff, closeTimeout, value);
    }
}
