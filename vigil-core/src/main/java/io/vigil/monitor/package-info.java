/**
 * Monitors, the missed-heartbeat rule for every source of one eventName: interval, missed count, where "last seen"
 * comes from and the ONAP closed-loop fields copied into its control-loop events.
 */
package io.vigil.monitor;
