/**
 * Detectors, which decide when a silent source is MISSING: ONAP's missed-count rule, the adaptive detector and the
 * phi-accrual detector, each at most 8 bytes of state per source and never later than interval × missed count, and a
 * monitor's further detection rules (expected sources, recovery heartbeats, flapping).
 */
package io.vigil.detect;
