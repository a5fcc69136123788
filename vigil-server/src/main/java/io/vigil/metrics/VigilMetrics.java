package io.vigil.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.Engine;
import io.vigil.engine.LivenessState;
import io.vigil.ingest.Channel;
import io.vigil.liveness.LivenessService;
import io.vigil.transport.dmaap.DmaapPoller;
import io.vigil.transport.relay.OutboxRelay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every meter Vigil exposes at {@code /metrics} (Prometheus), in one place: ingest paths, the engine/detector, the
 * journal (store), the sinks, and the HA role. The names are documented in {@code docs/operations.md}.
 */
public final class VigilMetrics {
    /** What the HA gauges read from the lease keeper (kept narrow: the metrics do not depend on the server). */
    public interface Lease {
        boolean isHolding();

        long epoch();

        java.time.Duration ttl();

        /** Calls {@code nanos} with the duration of every renewal attempt. */
        void observeRenewLatency(java.util.function.LongConsumer nanos);
    }

    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Object, List<Meter>> bound = new ConcurrentHashMap<>();
    private final Timer onsetLag;

    private volatile LivenessService boundLiveness;
    private volatile MultiGauge monitorSources;

    public VigilMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.onsetLag = Timer.builder("vigil_detector_onset_lag")
                .description("time from a source's deadline (lastSeen + interval x missed) to the ONSET decision")
                // a histogram of these buckets: the Prometheus registry exports no client-side percentiles beside
                // buckets, so none are computed (docs/operations.md, the onset-lag alert)
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100))
                .register(registry);
    }

    /** Heartbeats taken from an ingest path, by result (accepted, unknown_event_name, not_owner). */
    public Counter ingested(Channel channel, String result) {
        return counters.computeIfAbsent("in|" + channel + "|" + result, k -> Counter.builder("vigil_ingest_heartbeats_total")
                .description("heartbeats received per ingest channel and result")
                .tags("channel", channel.name().toLowerCase(), "result", result).register(registry));
    }

    /** Bodies or items an ingest path rejected, by reason (malformed, missing_field, too_large, unauthorized, ...). */
    public Counter rejected(Channel channel, String reason) {
        return counters.computeIfAbsent("rej|" + channel + "|" + reason, k -> Counter.builder("vigil_ingest_rejected_total")
                .description("rejected ingest bodies or items per channel and reason")
                .tags("channel", channel.name().toLowerCase(), "reason", reason).register(registry));
    }

    /** HTTP requests refused by the access rules (http.auth), by status: 401 (no or wrong credentials), 403 (role, loopback). */
    public Counter httpDenied(int status) {
        return counters.computeIfAbsent("denied|" + status, k -> Counter.builder("vigil_http_denied_total")
                .description("HTTP requests refused by the access rules (http.auth), by status")
                .tag("status", Integer.toString(status)).register(registry));
    }

    /** {@code vigil_dead_letters_total{kind}}: rows the store refused for good, put in the dead-letter table. */
    public void bindDeadLetters(io.vigil.store.deadletter.DeadLetters deadLetters) {
        for (var kind : io.vigil.store.deadletter.DeadLetterKind.values()) {
            FunctionCounter.builder("vigil_dead_letters_total", deadLetters, d -> d.count(kind)).tag("kind", kind.label())
                    .description("rows the store refused for a permanent reason (too long, encoding, constraint), put in "
                            + "the dead_letters table so the writer could go on").register(registry);
        }
    }

    /**
     * {@code vigil_outbox_tail_served_total} and {@code vigil_outbox_tail_missed_reads_total}: how relays' outbox
     * reads were answered — records served from the tail of just-committed rows in memory, reads that went to the store.
     */
    public void bindOutboxTail(io.vigil.store.outbox.OutboxTail tail) {
        FunctionCounter.builder("vigil_outbox_tail_served_total", tail, io.vigil.store.outbox.OutboxTail::servedRecords)
                .description("outbox records relays read from the in-memory tail of just-committed rows instead of the store")
                .register(registry);
        FunctionCounter.builder("vigil_outbox_tail_missed_reads_total", tail, io.vigil.store.outbox.OutboxTail::missedReads)
                .description("relay reads of the outbox the in-memory tail could not answer (read from the store)")
                .register(registry);
    }

    public Counter reloads(String result) {
        return counters.computeIfAbsent("reload|" + result, k -> Counter.builder("vigil_config_reloads_total")
                .description("configuration reloads by result (applied, rejected, failed)").tag("result", result).register(registry));
    }

    public void bindEngine(LivenessService liveness, Lease lease) {
        boundLiveness = liveness;
        monitorSources = MultiGauge.builder("vigil_monitor_sources")
                .description("sources tracked per monitor (eventName), any state: ONAP's source count").register(registry);
        // the engine is replaced at every HA role change: always read the current one (counters restart from 0 then)
        LivenessService e = liveness;
        FunctionCounter.builder("vigil_engine_heartbeats_total", e, l -> l.engine().acceptedCount()).tag("result", "accepted")
                .description("heartbeats taken into the engine, all channels").register(registry);
        FunctionCounter.builder("vigil_engine_heartbeats_total", e, l -> l.engine().unknownEventNameCount()).tag("result", "unknown_event_name")
                .description("heartbeats dropped because no monitor has their eventName").register(registry);
        FunctionCounter.builder("vigil_detector_onsets_total", e, l -> l.engine().onsetCount()).description("ONSET decisions: sources found missing").register(registry);
        FunctionCounter.builder("vigil_detector_abated_total", e, l -> l.engine().abatedCount()).description("ABATED decisions: missing sources heard again").register(registry);
        Gauge.builder("vigil_detector_scheduled_deadlines", e, l -> l.engine().scheduledCount()).description("deadlines in the timing wheel").register(registry);
        Gauge.builder("vigil_detector_period_drift_sources", e, l -> l.engine().periodDriftSources())
                .description("sources whose learnt heartbeat period is over 1.5x away from their monitor's heartbeatInterval "
                        + "(adaptive detector)").register(registry);
        for (LivenessState st : LivenessState.values()) {
            Gauge.builder("vigil_sources", e, l -> l.engine().counts().get(st)).tag("state", st.name())
                    .description("tracked sources per liveness state").register(registry);
        }
        for (Channel ch : Channel.values()) {
            String channel = ch.name().toLowerCase();
            Gauge.builder("vigil_ingest_watermark_lag_seconds", e, l -> l.ingestWatch().lagSeconds(ch)).tag("channel", channel)
                    .description("how far behind now the channel has proven it heard everything (NaN: the channel has no watermark)")
                    .register(registry);
            Gauge.builder("vigil_ingest_held", e, l -> l.ingestWatch().isBlind(ch) ? 1 : 0).tag("channel", channel)
                    .description("1 while the channel is blind (its watermark lags by more than its blindAfter): its sources are held")
                    .register(registry);
            Gauge.builder("vigil_ingest_held_sources", e, l -> l.engine().blindHeld(ch)).tag("channel", channel)
                    .description("sources past their deadline that wait for the channel's watermark (no ONSET while it cannot hear)")
                    .register(registry);
        }
        FunctionCounter.builder("vigil_ingest_new_sources_refused_total", e, l -> l.admission().refusedAtMaxSources())
                .tag("limit", "maxSources").description("heartbeats of new sources refused by limits.maxSources, all channels")
                .register(registry);
        FunctionCounter.builder("vigil_ingest_new_sources_refused_total", e, l -> l.admission().refusedOverRate())
                .tag("limit", "newSourcesPerSecond")
                .description("heartbeats of new sources refused by limits.newSourcesPerSecond, all channels").register(registry);
        Gauge.builder("vigil_ingest_held_sources", e, l -> l.engine().blindHeld(null)).tag("channel", "unknown")
                .description("sources past their deadline that wait for the channel's watermark (no ONSET while it cannot hear)")
                .register(registry);
        FunctionCounter.builder("vigil_detector_pause_seconds_total", e, l -> l.engine().pausedMillisTotal() / 1000.0)
                .description("time the detector found itself paused (GC, stopped process, suspended VM): blindness of every channel")
                .register(registry);
        FunctionCounter.builder("vigil_journal_bookkeeping_dropped_total", e, LivenessService::droppedBookkeeping)
                .description("first-seen and flapping events dropped because their queue was full (the sources' state is "
                        + "still checkpointed)").register(registry);
        FunctionCounter.builder("vigil_ha_standby_replay_dropped_total", liveness, l -> l.standbyHeartbeats().droppedCount())
                .description("bodies a standby answered 202 and dropped from its full replay queue (their sources' "
                        + "last-seen times are still kept for a takeover)").register(registry);
        FunctionCounter.builder("vigil_ha_standby_sources_not_kept_total", liveness, l -> l.standbyHeartbeats().notKeptCount())
                .description("heartbeats of new sources a standby did not note because limits.maxSources are kept").register(registry);
        Gauge.builder("vigil_ha_standby_replay_queued", liveness, l -> l.standbyHeartbeats().undeliveredCount())
                .description("bodies a standby answered 202 that wait to be replayed to the active").register(registry);
        FunctionCounter.builder("vigil_checkpoint_sources_total", e, LivenessService::checkpointedSources)
                .description("source rows written by write-behind checkpoints (a source is rewritten once its lastSeen "
                        + "moved half its monitor's threshold)").register(registry);
        FunctionCounter.builder("vigil_journal_states_applied_total", e, LivenessService::appliedStates)
                .description("source states the journal moved from alarm rows of the outbox to the sources table once no "
                        + "alarm waited (a storm's ONSET is written as one row)").register(registry);
        FunctionCounter.builder("vigil_checkpoint_seconds_total", e, l -> l.checkpointNanos() / 1e9)
                .description("time spent writing checkpoints (change events written between their chunks included)")
                .register(registry);
        Gauge.builder("vigil_journal_pending_events", liveness, LivenessService::pendingEvents)
                .description("change events decided but not yet in the store").register(registry);
        Gauge.builder("vigil_store_healthy", liveness, l -> l.isStoreHealthy() ? 1 : 0).description("0 while store writes fail (events wait in memory and are retried)").register(registry);
        Gauge.builder("vigil_ha_active", lease, l -> l.isHolding() ? 1 : 0)
                .description("1 while this instance holds the active lease (ACTIVE), 0 when STANDBY or fenced").register(registry);
        Gauge.builder("vigil_ha_epoch", lease, Lease::epoch).description("the lease epoch this instance writes under").register(registry);
    }

    /** The dashboard's live event stream: connected clients, and clients closed for reading too slowly. */
    public Counter bindEventStream(io.vigil.liveness.ChangeFeed feed) {
        Gauge.builder("vigil_http_event_stream_clients", feed, io.vigil.liveness.ChangeFeed::subscriberCount)
                .description("clients connected to GET /api/v1/events/stream").register(registry);
        return Counter.builder("vigil_http_event_stream_slow_closed_total")
                .description("event stream connections closed because the client read too slowly").register(registry);
    }

    public void recordChange(ChangeEvent e, Engine engine) {
        // the journal thread calls this for every event it writes (100k in a storm): no string keys, no scans
        Counter c = changeCounters.get(e.kind());
        if (c == null) {
            c = Counter.builder("vigil_change_events_total").description("change events written to the store, by kind")
                    .tag("kind", e.kind().name()).register(registry);
            changeCounters.put(e.kind(), c);
        }
        c.increment();
        if (e.kind() == io.vigil.engine.ChangeKind.ONSET) {
            var mon = engine.monitor(e.source().eventName());
            if (mon != null) {
                onsetLag.record(Math.max(0, e.atMillis() - (e.lastSeenMillis() + mon.thresholdMillis() + 1)), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** vigil_change_events_total by kind (a racing first registration is harmless: Micrometer returns the same meter). */
    private final Map<io.vigil.engine.ChangeKind, Counter> changeCounters = new java.util.concurrent.ConcurrentHashMap<>();

    public void bindRelay(OutboxRelay r) {
        Tags t = Tags.of("sink", r.sinkName());
        List<Meter> meters = new ArrayList<>();
        meters.add(FunctionCounter.builder("vigil_sink_delivered_total", r, OutboxRelay::delivered).tags(t)
                .description("change events acknowledged by the sink").register(registry));
        meters.add(FunctionCounter.builder("vigil_sink_failed_attempts_total", r, OutboxRelay::failedAttempts).tags(t)
                .description("failed delivery attempts (each is retried)").register(registry));
        meters.add(Gauge.builder("vigil_sink_lag_records", r, OutboxRelay::lagRecords).tags(t)
                .description("outbox records not yet delivered to the sink").register(registry));
        meters.add(Gauge.builder("vigil_sink_oldest_undelivered_age_seconds", r, x -> x.oldestUndeliveredAgeMillis() / 1000.0).description("age of the oldest event the sink has not acknowledged").tags(t).register(registry));
        meters.add(Gauge.builder("vigil_sink_last_delivery_latency_seconds", r, x -> x.lastDeliveryLatencyNanos() / 1e9).description("duration of the last delivery to the sink").tags(t).register(registry));
        meters.add(Gauge.builder("vigil_sink_backoff_seconds", r, x -> x.currentBackoffMillis() / 1000.0).description("current retry backoff of the sink (0 while deliveries succeed)").tags(t).register(registry));
        Timer ages = Timer.builder("vigil_sink_delivery_age_seconds").tags(t)
                .description("from a change event's decision to the sink's acknowledgement, retries included")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        meters.add(ages);
        r.observeDeliveryAges(ms -> ages.record(ms, TimeUnit.MILLISECONDS));
        Timer journaled = stageTimer("journaled", t, meters);
        Timer relayed = stageTimer("relayed", t, meters);
        Timer acknowledged = stageTimer("acknowledged", t, meters);
        r.observeStages((record, handedAt, ackedAt) -> {
            journaled.record(Math.max(0, record.journaledAtMillis() - record.createdAtMillis()), TimeUnit.MILLISECONDS);
            relayed.record(Math.max(0, handedAt - record.journaledAtMillis()), TimeUnit.MILLISECONDS);
            acknowledged.record(Math.max(0, ackedAt - handedAt), TimeUnit.MILLISECONDS);
        });
        bound.put(r, meters);
    }

    /**
     * One stage of {@code vigil_delivery_stage_seconds}: {@code journaled} = decided → written to the outbox,
     * {@code relayed} = outbox → handed to the sink, {@code acknowledged} = handed → the sink's acknowledgement.
     */
    private Timer stageTimer(String stage, Tags sink, List<Meter> meters) {
        Timer timer = Timer.builder("vigil_delivery_stage_seconds").tags(sink).tag("stage", stage)
                .description("time each change event spent in one delivery stage: journaled (decided to outbox), "
                        + "relayed (outbox to handed to the sink), acknowledged (handed to the sink's acknowledgement)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        meters.add(timer);
        return timer;
    }

    public void unbindRelay(OutboxRelay r) {
        unbind(r);
    }

    public void bindPoller(DmaapPoller p) {
        List<Meter> meters = new ArrayList<>();
        meters.add(FunctionCounter.builder("vigil_dmaap_polls_total", p, DmaapPoller::polls)
                .description("Message Router polls sent").register(registry));
        meters.add(FunctionCounter.builder("vigil_dmaap_poll_errors_total", p, DmaapPoller::pollErrors)
                .description("Message Router polls that failed (retried with backoff)").register(registry));
        meters.add(FunctionCounter.builder("vigil_dmaap_items_total", p, DmaapPoller::items)
                .description("items received from the Message Router").register(registry));
        meters.add(FunctionCounter.builder("vigil_ingest_heartbeats_total", p, DmaapPoller::accepted)
                .description("heartbeats received per ingest channel and result").tags("channel", "dmaap", "result", "accepted").register(registry));
        meters.add(FunctionCounter.builder("vigil_ingest_heartbeats_total", p, DmaapPoller::unknownEventName)
                .description("heartbeats received per ingest channel and result").tags("channel", "dmaap", "result", "unknown_event_name").register(registry));
        meters.add(FunctionCounter.builder("vigil_ingest_heartbeats_total", p, DmaapPoller::sourceLimit)
                .description("heartbeats received per ingest channel and result").tags("channel", "dmaap", "result", "source_limit").register(registry));
        for (DmaapPoller.BadItemReason r : DmaapPoller.BadItemReason.values()) {
            meters.add(FunctionCounter.builder("vigil_ingest_rejected_total", p, x -> x.badItems(r))
                    .description("rejected ingest bodies or items per channel and reason").tags("channel", "dmaap", "reason", r.label()).register(registry));
        }
        bound.put(p, meters);
    }

    public void unbindPoller(DmaapPoller p) {
        unbind(p);
    }

    private void unbind(Object owner) {
        List<Meter> meters = bound.remove(owner);
        if (meters != null) meters.forEach(registry::remove);
    }

    /** HA: lease renewal latency (every attempt, success or not). Role changes are counted by {@link #roleChanged}. */
    public void bindHa(Lease lease) {
        Timer renew = Timer.builder("vigil_ha_lease_renew_seconds")
                .description("time one lease renewal took (a slow store eats into the self-fencing margin)")
                .publishPercentiles(0.5, 0.99).register(registry);
        lease.observeRenewLatency(nanos -> renew.record(nanos, TimeUnit.NANOSECONDS));
        Gauge.builder("vigil_ha_lease_ttl_seconds", lease, l -> l.ttl().toMillis() / 1000.0).description("time to live of the active lease").register(registry);
    }

    /** HA: this instance's role changed to {@code role} (ACTIVE, SUSPENDED or STANDBY). */
    public void roleChanged(String role) {
        counters.computeIfAbsent("role|" + role, k -> Counter.builder("vigil_ha_role_changes_total")
                .description("HA role changes of this instance, by the role it changed to").tag("to", role)
                .register(registry)).increment();
    }

    /** The registry behind {@code /metrics}, for capabilities that bind their own meters (Kafka ingest and sink). */
    /**
     * The Prometheus text of every meter, after refreshing the per-monitor source counts
     * ({@code vigil_monitor_sources{event_name}}: monitors come and go with reloads).
     */
    public String scrape() {
        LivenessService l = boundLiveness;
        if (l != null && monitorSources != null) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            l.engine().sourceCountsByMonitor().forEach((eventName, n) -> rows.add(MultiGauge.Row.of(Tags.of("event_name", eventName), n)));
            monitorSources.register(rows, true);
        }
        return registry.scrape();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
