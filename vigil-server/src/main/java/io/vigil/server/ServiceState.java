package io.vigil.server;

/** The service's configuration state, as ONAP's heartbeat service names it. */
public enum ServiceState {
    /** Monitoring with the current configuration. */
    RUNNING,
    /** A new configuration is being applied (ingest keeps running). */
    RECONFIGURATION
}
