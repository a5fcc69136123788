package io.vigil.silence;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** When a silence applies: once, between two instants, or on a weekly schedule. Windows are half-open [start, end). */
public sealed interface SilenceWindow {

    boolean activeAt(long millis);

    /** The first time after {@code millis} at which {@link #activeAt} may change, or {@code Long.MAX_VALUE}. */
    long nextBoundaryAfter(long millis);

    /** True when the window can never be active again after {@code millis}. */
    boolean endedBy(long millis);

    /** From {@code startsAt} (inclusive) to {@code endsAt} (exclusive), epoch milliseconds. */
    record Once(long startsAt, long endsAt) implements SilenceWindow {
        public Once {
            if (endsAt <= startsAt) throw new IllegalArgumentException("endsAt must be after startsAt");
        }

        @Override
        public boolean activeAt(long millis) {
            return millis >= startsAt && millis < endsAt;
        }

        @Override
        public long nextBoundaryAfter(long millis) {
            if (millis < startsAt) return startsAt;
            if (millis < endsAt) return endsAt;
            return Long.MAX_VALUE;
        }

        @Override
        public boolean endedBy(long millis) {
            return millis >= endsAt;
        }
    }

    /**
     * Every listed day at {@code start} local time in {@code zone}, for {@code duration} (may cross midnight; at
     * most 7 days).
     */
    record Weekly(Set<DayOfWeek> days, LocalTime start, Duration duration, ZoneId zone) implements SilenceWindow {
        public Weekly {
            days = days == null || days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofDays(7)) > 0)
                throw new IllegalArgumentException("duration must be positive and at most 7 days");
            if (zone == null) zone = java.time.ZoneOffset.UTC;
        }

        @Override
        public boolean activeAt(long millis) {
            LocalDate today = Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
            for (int back = 0; back <= 7; back++) {
                LocalDate d = today.minusDays(back);
                if (!days.contains(d.getDayOfWeek())) continue;
                long s = ZonedDateTime.of(d, start, zone).toInstant().toEpochMilli();
                if (millis >= s && millis < s + duration.toMillis()) return true;
            }
            return false;
        }

        @Override
        public long nextBoundaryAfter(long millis) {
            LocalDate today = Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
            long best = Long.MAX_VALUE;
            for (int off = -7; off <= 8; off++) {
                LocalDate d = today.plusDays(off);
                if (!days.contains(d.getDayOfWeek())) continue;
                long s = ZonedDateTime.of(d, start, zone).toInstant().toEpochMilli();
                long e = s + duration.toMillis();
                if (s > millis) best = Math.min(best, s);
                if (e > millis) best = Math.min(best, e);
            }
            return best;
        }

        @Override
        public boolean endedBy(long millis) {
            return false;
        }
    }
}
