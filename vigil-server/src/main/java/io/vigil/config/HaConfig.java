package io.vigil.config;

import java.net.InetAddress;
import java.time.Duration;

/**
 * High availability (active/standby over a lease row in a shared store). YAML section {@code ha}.
 *
 * @param enabled    false (default): this instance is always active
 * @param leaseTtl   how long a lease lives without renewal; default 5 s
 * @param instanceId this instance's id in the lease row; default {@code <hostname>-<pid>}
 */
public record HaConfig(boolean enabled, Duration leaseTtl, String instanceId) {
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(5);

    public HaConfig {
        if (leaseTtl == null) leaseTtl = DEFAULT_LEASE_TTL;
        if (instanceId == null) instanceId = defaultInstanceId();
    }

    public static HaConfig defaults() {
        return new HaConfig(false, DEFAULT_LEASE_TTL, null);
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
