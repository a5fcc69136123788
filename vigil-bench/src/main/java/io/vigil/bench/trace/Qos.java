package io.vigil.bench.trace;

/**
 * Chen–Toueg–Aguilera quality-of-service figures of one detector on one trace ("On the Quality of Service of
 * Failure Detectors", IEEE ToC 2002).
 *
 * @param detections       crashes detected before the source restarted
 * @param undetected       crashes not detected before the restart
 * @param meanDetectionMs  T_D: mean time from a crash to its ONSET
 * @param p99DetectionMs   99th percentile of T_D
 * @param mistakes         ONSETs while the source was alive (false suspicions)
 * @param mistakesPerHour  mistakes per source-hour of uptime
 * @param mistakeRecurrenceMs T_MR: mean uptime between two mistakes (uptime / mistakes; infinite if none)
 * @param mistakeDurationMs   T_M: mean time from a false ONSET to its ABATED
 * @param queryAccuracy       P_A: probability that the detector is right about a live source at a random time
 */
public record Qos(int detections, int undetected, double meanDetectionMs, double p99DetectionMs, int mistakes,
                  double mistakesPerHour, double mistakeRecurrenceMs, double mistakeDurationMs, double queryAccuracy) {
}
