package io.vigil.config;

import org.jspecify.annotations.Nullable;
import java.net.InetAddress;
import java.time.Duration;

/**
 * High availability. YAML section {@code ha}.
 *
 * @param enabled    false (default): this instance is always active
 * @param leaseTtl   how long a lease lives without renewal; default 5 s
 * @param instanceId this instance's id in the lease row; default {@code <hostname>-<pid>}
 * @param mode       {@link Mode#ACTIVE_STANDBY} (default) or {@link Mode#KAFKA_PARTITIONS}
 * @param advertiseUrl the URL other instances reach this one at (absolute http/https, no query or fragment, no
 *                   trailing slash); null (default): derived from {@code http.host} and the port. The environment
 *                   variable {@code VIGIL_HA_ADVERTISE_URL} overrides it (docs/ha.md)
 * @param caFile     {@code ha.tls.caFile}: a PEM file of the CAs a standby trusts when it forwards heartbeats to an
 *                   {@code https://} active (instead of the JDK's); null (default): the JDK's CAs
 */
public record HaConfig(boolean enabled, Duration leaseTtl, String instanceId, Mode mode, @Nullable String advertiseUrl,
                       java.nio.file.@Nullable Path caFile) {
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(5);
    /** Shorter leases cannot be renewed safely (see LeaseKeeper.MIN_TTL). */
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(1);

    /** How the instances share the work (docs/ha.md). */
    public enum Mode {
        /** One instance detects and emits; the others stand by and forward heartbeats to it. */
        ACTIVE_STANDBY("active-standby"),
        /**
         * Every instance detects: the sources keyed to the Kafka partitions it is assigned; the {@code active} lease
         * holder only runs the relays. Needs {@code ingest.kafka} and a PostgreSQL store.
         */
        KAFKA_PARTITIONS("kafka-partitions");

        private final String text;

        Mode(String text) {
            this.text = text;
        }

        /** The YAML spelling. */
        public String text() {
            return text;
        }

        /** The mode spelled {@code text}, or null. */
        public static @Nullable Mode parse(String text) {
            for (Mode m : values()) if (m.text.equals(text)) return m;
            return null;
        }
    }

    public HaConfig {
        if (leaseTtl == null) leaseTtl = DEFAULT_LEASE_TTL;
        if (instanceId == null) instanceId = defaultInstanceId();
        if (mode == null) mode = Mode.ACTIVE_STANDBY;
    }

    /** No CA file of its own: a standby forwarding to an {@code https://} active trusts the JDK's CAs. */
    public HaConfig(boolean enabled, Duration leaseTtl, String instanceId, Mode mode, String advertiseUrl) {
        this(enabled, leaseTtl, instanceId, mode, advertiseUrl, null);
    }

    /** No configured advertised URL: it is derived from {@code http.host} and the port. */
    public HaConfig(boolean enabled, Duration leaseTtl, String instanceId, Mode mode) {
        this(enabled, leaseTtl, instanceId, mode, null);
    }

    /** Active/standby (the default mode). */
    public HaConfig(boolean enabled, Duration leaseTtl, String instanceId) {
        this(enabled, leaseTtl, instanceId, Mode.ACTIVE_STANDBY);
    }

    public static HaConfig defaults() {
        return new HaConfig(false, DEFAULT_LEASE_TTL, null);
    }

    /** True in {@code ha.mode: kafka-partitions} (with HA enabled). */
    public boolean partitioned() {
        return enabled && mode == Mode.KAFKA_PARTITIONS;
    }

    /** {@code <hostname>-<pid>}; {@code localhost} when the host name cannot be resolved. */
    public static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            // A container without a resolvable name still needs a stable, readable id.
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
