package io.vigil.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/status} as records: Jackson writes a record's components in declaration order, so each record is
 * the field list of its JSON object (names, order and types are part of the API: README.md, docs/ha.md,
 * docs/detection.md, the OpenAPI document and {@code vigil status}). A component marked {@code NON_NULL} is left out
 * when absent; every other null is written as {@code null}.
 *
 * @param role           ACTIVE only while this instance may emit, else STANDBY
 * @param epoch          this instance's while it holds the lease, else the lease row's
 * @param activeId       the lease row's owner, or null
 * @param leaseExpiresAt the lease row's expiry (database clock), or null
 * @param peers          the peer endpoints' summaries (the endpoints of {@code GET /api/v1/peers} without their peer
 *                       lists), only when peer endpoints are configured
 */
public record StatusBody(String state, String role, String instanceId, long epoch, String activeId,
                         String leaseExpiresAt, Ha ha, String version, String startedAt, String configSource,
                         Counts counts, Ingest ingest, List<Sink> sinks, @JsonInclude(Include.NON_NULL) List<?> peers,
                         boolean storeHealthy, Map<String, Long> deadLetters) {

    /**
     * The HA details. {@code partitions} only in kafka-partitions mode; the {@link Directory}'s fields, in line, only
     * where instances know each other (active-standby).
     */
    public record Ha(boolean enabled, String phase, long ownEpoch, long leaseTtlMillis, boolean detecting, String mode,
                     @JsonInclude(Include.NON_NULL) Partitions partitions, @JsonUnwrapped Directory directory) {
    }

    /**
     * Where instances know each other (active-standby): this instance's URL, the active's (null while unknown), every
     * instance of the directory; {@code instancesError} only when the store could not be read.
     */
    public record Directory(String url, String activeUrl, List<Instance> instances,
                            @JsonInclude(Include.NON_NULL) String instancesError) {
    }

    /** kafka-partitions mode: the partitions this instance was assigned and owns, and every partition's owner row. */
    public record Partitions(String topic, int partitionCount, List<Integer> assigned, Map<String, Long> owned,
                             long rebalances, String lastRebalanceAt, List<Owner> owners,
                             @JsonInclude(Include.NON_NULL) String ownersError) {
    }

    /** One partition's owner row. */
    public record Owner(int partition, String owner, long epoch, String assignedAt) {
    }

    /** One instance of the peer directory. */
    public record Instance(String instanceId, String url, String startedAt, String seenAt) {
    }

    /** Source counts by state, and ingest counters. */
    public record Counts(int monitors, long unknown, long alive, long missing, long sources, long heartbeatsAccepted,
                         long unknownEventName, long pendingEvents) {
    }

    /**
     * The ingest channels: {@code held} names the blind channels with the reason, {@code channels} each channel with a
     * watermark; {@code dmaap} is the poll URL, only when DMaaP polling is configured.
     */
    public record Ingest(Map<String, String> held, Map<String, Channel> channels, long heldSourcesUnknownChannel,
                         double detectorPausedSeconds, @JsonInclude(Include.NON_NULL) String dmaap,
                         @JsonInclude(Include.NON_EMPTY) List<Spell> detectorPauses) {
        /** Without detector pauses (none seen yet). */
        public Ingest(Map<String, String> held, Map<String, Channel> channels, long heldSourcesUnknownChannel,
                      double detectorPausedSeconds, String dmaap) {
            this(held, channels, heldSourcesUnknownChannel, detectorPausedSeconds, dmaap, List.of());
        }
    }

    /** One ingest channel: how far it has proven it heard, whether it is blind, how many sources wait for it. */
    public record Channel(String watermark, long watermarkMillis, long lagMillis, boolean blind, long heldSources,
                          List<Part> parts) {
    }

    /** One part of a channel (a poller, a consumer, an event loop) with its last blind spells. */
    public record Part(String name, long watermarkMillis, long lagMillis, boolean blind, List<Spell> blindSpells) {
    }

    /** One blind spell of a part. */
    public record Spell(long fromMillis, long toMillis) {
    }

    /** One sink's relay. */
    public record Sink(String name, long delivered, long lag, long failedAttempts) {
    }
}
