/**
 * ONAP control-loop events (ONSET and ABATED as ONAP's heartbeat service publishes them to {@code DCAE_CL_OUTPUT}),
 * written by hand because they are built on the alarm path.
 */
package io.vigil.onap;
