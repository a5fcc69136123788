package io.vigil.config;

import org.jspecify.annotations.Nullable;
import io.vigil.collect.CollectSettings;
import io.vigil.ingest.IngestLimits;
import io.vigil.monitor.Monitor;
import java.util.List;
import java.util.Objects;

/**
 * Vigil's whole configuration: an immutable tree of records, already validated when it comes from
 * {@link ConfigLoader}. Never null inside except where a component's javadoc says so.
 *
 * @param http      HTTP server ({@code http})
 * @param store     JDBC store ({@code store})
 * @param monitors  one rule per eventName, eventNames unique ({@code monitors[]})
 * @param ingest    pull ingest channels ({@code ingest})
 * @param publish   where change events go ({@code publish[]}); empty means nowhere
 * @param remote    remote configuration ({@code config.remote})
 * @param detection detection tuning ({@code detection})
 * @param ha        high availability ({@code ha})
 * @param source    the format it was read from
 * @param collect   the pull side: {@code collect}, {@code workers}, {@code actions} (see docs/collect.md)
 * @param limits    what ingest takes at the door ({@code limits})
 * @param peers     peer heartbeat endpoints run by the server ({@code peers[]}, docs/peer.md)
 */
public record VigilConfig(
        HttpConfig http,
        StoreConfig store,
        List<Monitor> monitors,
        IngestConfig ingest,
        List<PublishTarget> publish,
        RemoteSettings remote,
        DetectionConfig detection,
        HaConfig ha,
        ConfigSource source,
        CollectSettings collect,
        IngestLimits limits,
        List<PeerEndpointSettings> peers) {

    public VigilConfig {
        if (http == null) http = HttpConfig.defaults();
        if (store == null) store = StoreConfig.defaults();
        monitors = monitors == null ? List.of() : List.copyOf(monitors);
        if (ingest == null) ingest = IngestConfig.NONE;
        publish = publish == null ? List.of() : List.copyOf(publish);
        if (remote == null) remote = RemoteSettings.NONE;
        if (detection == null) detection = DetectionConfig.defaults();
        if (ha == null) ha = HaConfig.defaults();
        Objects.requireNonNull(source, "source");
        if (collect == null) collect = CollectSettings.NONE;
        if (limits == null) limits = IngestLimits.DEFAULTS;
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    /** The same configuration without peers (read before they existed). */
    public VigilConfig(HttpConfig http, StoreConfig store, List<Monitor> monitors, IngestConfig ingest,
                       List<PublishTarget> publish, RemoteSettings remote, DetectionConfig detection, HaConfig ha,
                       ConfigSource source, CollectSettings collect, IngestLimits limits) {
        this(http, store, monitors, ingest, publish, remote, detection, ha, source, collect, limits, List.of());
    }

    /**
     * The embedded defaults: HTTP on 8080, H2 under the data dir, no monitor, publish to the log.
     * The server adds its demo monitor on top when it runs without a config file.
     */
    public static VigilConfig defaults() {
        return new VigilConfig(null, null, List.of(), null, List.of(new PublishTarget.Log()), null, null, null,
                ConfigSource.DEFAULT, null, null);
    }

    /** The monitor for {@code eventName}, or null. */
    public @Nullable Monitor monitor(String eventName) {
        for (Monitor m : monitors) if (m.eventName().equals(eventName)) return m;
        return null;
    }

    public VigilConfig withHttp(HttpConfig newHttp) {
        return new VigilConfig(newHttp, store, monitors, ingest, publish, remote, detection, ha, source, collect, limits, peers);
    }

    public VigilConfig withMonitors(List<Monitor> newMonitors) {
        return new VigilConfig(http, store, newMonitors, ingest, publish, remote, detection, ha, source, collect, limits, peers);
    }

    public VigilConfig withCollect(CollectSettings newCollect) {
        return new VigilConfig(http, store, monitors, ingest, publish, remote, detection, ha, source, newCollect, limits, peers);
    }

    /** Overlays the remote URL given on the command line or in the environment (ONAP's JSON has none). */
    public VigilConfig withRemote(RemoteSettings newRemote) {
        return new VigilConfig(http, store, monitors, ingest, publish, newRemote, detection, ha, source, collect, limits, peers);
    }
}
