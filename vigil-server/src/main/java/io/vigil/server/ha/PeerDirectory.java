package io.vigil.server.ha;

import io.vigil.store.instance.InstanceRecord;
import io.vigil.store.instance.InstanceRepository;
import io.vigil.store.lease.Lease;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the instances are: announces this instance's URL in the store ({@code instances} table) and resolves the
 * active instance's URL from the lease rows the lease keeper reads, so that the hot ingest path can forward without
 * a query. Thread-safe.
 */
public final class PeerDirectory {
    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);
    /** Overrides the URL other instances use to reach this one (behind NAT, in containers). */
    public static final String ADVERTISE_ENV = "VIGIL_HA_ADVERTISE_URL";

    private final InstanceRepository instances;
    private final String instanceId;
    private final String url;
    private volatile boolean announced;
    private volatile String activeId;
    private volatile String activeUrl;

    public PeerDirectory(InstanceRepository instances, String instanceId, String url) {
        this.instances = instances;
        this.instanceId = instanceId;
        this.url = url;
    }

    /**
     * The URL other instances reach this one at, from the first that is set: {@value #ADVERTISE_ENV}, then
     * {@code configured} ({@code ha.advertiseUrl}), else {@code http://<host>:<port>} ({@code https://} when
     * {@code tls}: the port serves HTTPS) with the bound address, or this machine's address when bound to all
     * interfaces.
     */
    public static String advertisedUrl(String configured, String bindHost, int port, boolean tls) {
        return advertisedUrl(System.getenv(ADVERTISE_ENV), configured, bindHost, port, tls);
    }

    /**
     * {@link #advertisedUrl(String, String, int, boolean)} with the environment variable's value passed in ({@code fromEnv},
     * null when unset), so that the precedence can be tested without a process environment. A trailing slash of
     * either given URL is dropped: the forwarder appends the request path.
     */
    public static String advertisedUrl(String fromEnv, String configured, String bindHost, int port) {
        return advertisedUrl(fromEnv, configured, bindHost, port, false);
    }

    /** {@link #advertisedUrl(String, String, String, int)} for a port that serves HTTPS when {@code tls}. */
    public static String advertisedUrl(String fromEnv, String configured, String bindHost, int port, boolean tls) {
        if (fromEnv != null && !fromEnv.isBlank()) return withoutTrailingSlash(fromEnv);
        if (configured != null && !configured.isBlank()) return withoutTrailingSlash(configured);
        String host = bindHost;
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            try {
                host = InetAddress.getLocalHost().getHostAddress();
            } catch (Exception e) {
                host = "127.0.0.1";
            }
        }
        if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
        return (tls ? "https://" : "http://") + host + ":" + port;
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Writes (or refreshes) this instance's row; call at start and periodically. Store errors are logged. */
    public void announce() {
        try {
            instances.announce(instanceId, url, !announced);
            if (!announced) log.info("HA: this instance ({}) announced itself at {}", instanceId, url);
            announced = true;
        } catch (RuntimeException e) {
            log.debug("HA: announcing this instance failed (retried): {}", e.getMessage());
        }
    }

    /** Lease observer: remembers the holder and looks up its URL when the holder changes. */
    public void observe(Lease lease) {
        String owner = lease.owner();
        if (owner == null) {
            activeId = null;
            activeUrl = null;
            return;
        }
        if (owner.equals(activeId) && activeUrl != null) return;
        String u = owner.equals(instanceId) ? url : instances.url(owner).orElse(null);
        activeId = owner;
        activeUrl = u;
        if (u == null) log.warn("HA: the active instance {} has not announced its URL; heartbeats cannot be forwarded to it yet", owner);
    }

    /** The active instance's id as last seen, if any. */
    public Optional<String> activeId() {
        return Optional.ofNullable(activeId);
    }

    /** The active instance's URL as last resolved, if any (no I/O). */
    public Optional<String> activeUrl() {
        return Optional.ofNullable(activeUrl);
    }

    public String url() {
        return url;
    }

    /** Every announced instance (one query). */
    public List<InstanceRecord> all() {
        return instances.all();
    }

    /** Removes this instance's row at a clean shutdown. */
    public void withdraw() {
        try {
            instances.remove(instanceId);
        } catch (RuntimeException e) {
            log.debug("HA: withdrawing this instance failed: {}", e.getMessage());
        }
    }
}
