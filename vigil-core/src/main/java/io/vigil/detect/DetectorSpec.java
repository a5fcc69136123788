package io.vigil.detect;

import java.time.Duration;
import java.util.Objects;

/** A monitor's choice of detector, as configured ({@code monitors[].detector}). */
public sealed interface DetectorSpec {

    /** The detector for a monitor with this heartbeat interval and upper bound (interval × missed). */
    Detector create(long intervalMillis, long upperBoundMillis);

    /** The configuration name: {@code missed-count}, {@code phi-accrual} or {@code adaptive}. */
    String type();

    /** ONAP's rule (the default). */
    record MissedCount() implements DetectorSpec {
        @Override
        public Detector create(long intervalMillis, long upperBoundMillis) {
            return new MissedCountDetector(upperBoundMillis);
        }

        @Override
        public String type() {
            return "missed-count";
        }
    }

    /** See {@link PhiAccrualDetector} for the formula. */
    record PhiAccrual(double threshold, int window, Duration minStdDev, Duration acceptablePause) implements DetectorSpec {
        public static final double DEFAULT_THRESHOLD = 8;
        public static final int DEFAULT_WINDOW = 1000;
        public static final Duration DEFAULT_MIN_STD_DEV = Duration.ofMillis(100);
        public static final Duration DEFAULT_ACCEPTABLE_PAUSE = Duration.ZERO;

        public PhiAccrual {
            if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive");
            if (window < 2) throw new IllegalArgumentException("window must be >= 2");
            Objects.requireNonNull(minStdDev, "minStdDev");
            Objects.requireNonNull(acceptablePause, "acceptablePause");
        }

        public static PhiAccrual defaults() {
            return new PhiAccrual(DEFAULT_THRESHOLD, DEFAULT_WINDOW, DEFAULT_MIN_STD_DEV, DEFAULT_ACCEPTABLE_PAUSE);
        }

        @Override
        public Detector create(long intervalMillis, long upperBoundMillis) {
            return new PhiAccrualDetector(threshold, window, minStdDev.toMillis(), acceptablePause.toMillis(),
                    intervalMillis, upperBoundMillis);
        }

        @Override
        public String type() {
            return "phi-accrual";
        }
    }

    /** See {@link AdaptiveDetector}: the default of YAML monitors. */
    record Adaptive(double threshold) implements DetectorSpec {
        public static final double DEFAULT_THRESHOLD = AdaptiveDetector.DEFAULT_THRESHOLD;

        public Adaptive {
            if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive");
        }

        @Override
        public Detector create(long intervalMillis, long upperBoundMillis) {
            return new AdaptiveDetector(threshold, intervalMillis, upperBoundMillis);
        }

        @Override
        public String type() {
            return "adaptive";
        }
    }

    DetectorSpec MISSED_COUNT = new MissedCount();
    DetectorSpec ADAPTIVE = new Adaptive(Adaptive.DEFAULT_THRESHOLD);
}
