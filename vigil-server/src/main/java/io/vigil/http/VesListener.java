package io.vigil.http;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.ingest.IngestLimits;
import io.vigil.metrics.VigilMetrics;
import io.vigil.ves.Heartbeat;
import io.vigil.ves.VesBatch;
import io.vigil.ves.VesFormatException;
import io.vigil.ves.VesParser;
import java.util.List;
import java.util.function.Supplier;

/**
 * The VES event listener ({@code POST /eventListener/v7[/eventBatch]}, also v5 and v4): the ingest hot path, served
 * by a raw request handler in front of the router (no per-request routing objects). Access was checked before
 * (the {@link io.vigil.http.auth.AccessGate}); reads the body up to {@code http.maxBodyBytes} (a larger one is answered 413 without being buffered), and hands the
 * heartbeats to the current {@link HeartbeatRoute}. Answers 202, or 400 naming the rejected events of a batch.
 */
final class VesListener {
    static final String PREFIX = "/eventListener/";
    static final List<String> PATHS = List.of("/eventListener/v7", "/eventListener/v7/eventBatch",
            "/eventListener/v5", "/eventListener/v5/eventBatch", "/eventListener/v4", "/eventListener/v4/eventBatch");

    private final Supplier<HeartbeatRoute> route;
    private final long maxBodyBytes;
    private final Supplier<IngestLimits> limits;
    private final Counter accepted, unknown, notOwner, sourceLimit, malformed, missingField, tooLarge, routed;

    VesListener(Supplier<HeartbeatRoute> route, Supplier<IngestLimits> limits, long maxBodyBytes, VigilMetrics m) {
        this.route = route;
        this.limits = limits;
        this.maxBodyBytes = maxBodyBytes;
        accepted = m.ingested(Channel.HTTP, "accepted");
        unknown = m.ingested(Channel.HTTP, "unknown_event_name");
        notOwner = m.ingested(Channel.HTTP, "not_owner");
        sourceLimit = m.ingested(Channel.HTTP, "source_limit");
        routed = m.ingested(Channel.HTTP, "routed_to_kafka");
        malformed = m.rejected(Channel.HTTP, "malformed");
        missingField = m.rejected(Channel.HTTP, "missing_field");
        tooLarge = m.rejected(Channel.HTTP, "too_large");
    }

    /** The index entries of the listener. */
    void declare(RouteTable routes) {
        for (String p : PATHS) routes.raw(HttpMethod.POST, p);
    }

    void handle(HttpServerRequest req) {
        try {
            if (!PATHS.contains(req.path())) {
                Answer.error(req, 404, "not_found", "no such endpoint: " + req.method() + " " + req.path()
                        + " (GET " + HttpApi.INDEX + " lists them)");
            } else if (req.method() != HttpMethod.POST) {
                req.response().putHeader("Allow", "POST");
                Answer.error(req, 405, "method_not_allowed", req.path() + " accepts POST");
            } else {
                ingest(req);
            }
        } catch (RuntimeException e) {
            Answer.json(req, 500, HiddenErrors.report("internal", "HTTP " + req.method() + " " + req.path() + " failed with an internal error", e));
        }
    }

    private void ingest(HttpServerRequest req) {
        long max = maxBodyBytes;
        String len = req.getHeader("Content-Length");
        long declared = -1;
        if (len != null) {
            try {
                declared = Long.parseLong(len);
            } catch (NumberFormatException e) {
                Answer.error(req, 400, "bad_request", "Content-Length is not a number");
                return;
            }
            if (declared > max) {
                tooLarge(req, max);
                return;
            }
        }
        Buffer body = Buffer.buffer(declared < 0 ? 1024 : (int) Math.min(declared, max));
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) return;
            if (body.length() + chunk.length() > max) {
                over[0] = true; // answered now, not after reading a chunked body of any size to its end
                tooLarge(req, max);
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.endHandler(v -> {
            if (over[0]) return;
            switch (route.get()) {
                case HeartbeatRoute.Forward f -> f.forwarder().forward(req, body);
                case HeartbeatRoute.Detect d -> parsed(req, body.getBytes(), batch -> detect(req, batch, d));
                case HeartbeatRoute.Publish p -> parsed(req, body.getBytes(), batch -> publish(req, batch, body.getBytes(), p));
            }
        });
    }

    /** 413, and the connection closed once the answer is out: the rest of the body is never read. */
    private void tooLarge(HttpServerRequest req, long max) {
        tooLarge.increment();
        var r = req.response();
        if (r.ended()) return;
        r.putHeader("Connection", "close");
        r.setStatusCode(413).putHeader("Content-Type", "application/json")
                .end(Json.write(Json.error("too_large", "body larger than http.maxBodyBytes (" + max + " bytes); split the eventList")))
                .onComplete(x -> req.connection().close());
    }

    private void parsed(HttpServerRequest req, byte[] bytes, java.util.function.Consumer<VesBatch> then) {
        VesBatch batch;
        try {
            batch = VesParser.parse(bytes, limits.get());
        } catch (VesFormatException e) {
            malformed.increment();
            Answer.error(req, 400, "invalid_ves", e.getMessage());
            return;
        }
        then.accept(batch);
    }

    private void detect(HttpServerRequest req, VesBatch batch, HeartbeatRoute.Detect d) {
        int ok = 0, unknownNames = 0, refused = 0;
        for (Heartbeat hb : batch.heartbeats()) {
            Acceptance a = d.receiver().accept(hb, Channel.HTTP);
            switch (a) {
                case ACCEPTED -> ok++;
                case UNKNOWN_EVENT_NAME -> unknownNames++;
                case NOT_OWNER -> notOwner.increment();
                case SOURCE_LIMIT -> refused++;
            }
        }
        if (ok > 0) accepted.increment(ok);
        if (unknownNames > 0) unknown.increment(unknownNames);
        if (refused > 0) sourceLimit.increment(refused);
        answer(req, batch, refused);
    }

    private void answerAccepted(HttpServerRequest req, VesBatch batch) {
        answer(req, batch, 0);
    }

    /**
     * 202; or 400 naming the events of the batch that were rejected (the others were taken); or 429 when the only
     * problem is that new sources were refused by {@code limits.maxSources} / {@code limits.newSourcesPerSecond}.
     */
    private void answer(HttpServerRequest req, VesBatch batch, int refusedNewSources) {
        if (batch.rejected().isEmpty() && refusedNewSources == 0) {
            req.response().setStatusCode(202).end();
            return;
        }
        String limitsNote = refusedNewSources + " heartbeats of new sources refused: more than limits.maxSources sources, "
                + "or more than limits.newSourcesPerSecond new ones per second; known sources are taken";
        if (batch.rejected().isEmpty()) {
            req.response().putHeader("Retry-After", "1");
            Answer.json(req, 429, new SourceLimit(limitsNote, "source_limit", batch.heartbeats().size() - refusedNewSources,
                    refusedNewSources));
            return;
        }
        missingField.increment(batch.rejected().size());
        Answer.json(req, 400, new InvalidEvents(batch.rejected().size() + " of " + batch.size()
                + " events rejected; the others were accepted" + (refusedNewSources > 0 ? "; " + limitsNote : ""),
                "invalid_events", batch.heartbeats().size() - refusedNewSources,
                refusedNewSources > 0 ? refusedNewSources : null, batch.rejected()));
    }

    /** 429: only new sources were refused (limits); the rest was taken. */
    record SourceLimit(String error, String code, int accepted, int refusedNewSources) {
    }

    /** 400: the events of the batch that were rejected, by index; {@code refusedNewSources} only when some were. */
    record InvalidEvents(String error, String code, int accepted,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         Integer refusedNewSources, List<VesBatch.Rejected> rejected) {
    }

    /**
     * ha.mode kafka-partitions: the body goes into the heartbeat topic keyed by its first sourceName, so that the
     * owner of that source's partition detects it; answered once the broker acknowledged it.
     */
    private void publish(HttpServerRequest req, VesBatch batch, byte[] bytes, HeartbeatRoute.Publish p) {
        if (batch.heartbeats().isEmpty()) {
            answerAccepted(req, batch);
            return;
        }
        Context ctx = Vertx.currentContext();
        p.publisher().publish(batch.heartbeats().getFirst().sourceName(), bytes).whenComplete((v, error) -> ctx.runOnContext(x -> {
            if (error == null) {
                routed.increment(batch.heartbeats().size());
                answerAccepted(req, batch);
            } else {
                req.response().putHeader("Retry-After", "1");
                Answer.error(req, 503, "kafka_unavailable", "the heartbeat could not be written to Kafka topic "
                        + p.publisher().topic() + " (" + error.getMessage() + "); retry");
            }
        }));
    }
}
