package io.vigil.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourcePage;
import io.vigil.engine.SourceQuery;
import io.vigil.engine.SourceQuery.SourceOrder;
import io.vigil.engine.SourceView;
import io.vigil.ingest.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The query parameters and the answer of {@code GET /api/v1/sources}: {@code eventName}, {@code state},
 * {@code flapping}, {@code channel}, {@code q} (sourceName contains, ignoring case), {@code sort} ({@code name},
 * {@code lastSeen}, {@code state}, {@code suspicion}; {@code -} before it for descending), {@code offset} and
 * {@code limit}. The answer is {@code {"count", "total", "offset", "sources": [...]}}.
 */
public final class SourcesQuery {
    /** Deep pages cost a heap of offset + limit entries: 1M is the whole fleet of the performance budget. */
    public static final int MAX_OFFSET = 1_000_000;
    public static final int MAX_TEXT = 256;
    private static final int DEFAULT_LIMIT = 10_000;

    private SourcesQuery() {
    }

    /**
     * Reads the query from request parameters.
     *
     * @param param a parameter's value by name, null when absent
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public static SourceQuery parse(UnaryOperator<String> param) {
        String eventName = CoreApi.emptyToNull(param.apply("eventName"));
        LivenessState state = null;
        String stateParam = CoreApi.emptyToNull(param.apply("state"));
        if (stateParam != null) {
            try {
                state = LivenessState.valueOf(stateParam.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("state: must be one of ALIVE, MISSING, UNKNOWN (got \"" + stateParam + "\")");
            }
        }
        Boolean flapping = null;
        String flappingParam = CoreApi.emptyToNull(param.apply("flapping"));
        if (flappingParam != null) {
            flapping = switch (flappingParam) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("flapping: must be true or false (got \"" + flappingParam + "\")");
            };
        }
        Channel channel = null;
        String channelParam = CoreApi.emptyToNull(param.apply("channel"));
        if (channelParam != null) {
            try {
                channel = Channel.valueOf(channelParam.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("channel: must be one of http, dmaap, kafka, peer (got \"" + channelParam + "\")");
            }
        }
        SourceOrder order = SourceOrder.NONE;
        boolean descending = false;
        String sort = CoreApi.emptyToNull(param.apply("sort"));
        if (sort != null) {
            descending = sort.startsWith("-");
            order = switch (descending ? sort.substring(1) : sort) {
                case "name" -> SourceOrder.NAME;
                case "lastSeen" -> SourceOrder.LAST_SEEN;
                case "state" -> SourceOrder.STATE;
                case "suspicion" -> SourceOrder.SUSPICION;
                default -> throw new IllegalArgumentException(
                        "sort: must be name, lastSeen, state or suspicion, with - before it for descending (got \"" + sort + "\")");
            };
        }
        String text = CoreApi.emptyToNull(param.apply("q"));
        if (text != null && text.length() > MAX_TEXT) throw new IllegalArgumentException("q: at most " + MAX_TEXT + " characters");
        int limit = CoreApi.intParam(param.apply("limit"), "limit", DEFAULT_LIMIT);
        int offset = offset(param.apply("offset"));
        return new SourceQuery(eventName, state, flapping, channel, text, order, descending, offset, limit);
    }

    private static int offset(String v) {
        if (v == null || v.isBlank()) return 0;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0 || n > MAX_OFFSET) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("offset: must be an integer from 0 to " + MAX_OFFSET + " (got \"" + v + "\")");
        }
    }

    /** The answer for one page. */
    public static SourcesPage pageJson(SourceQuery query, SourcePage page) {
        return new SourcesPage(page.sources().size(), page.total(), query.offset(),
                page.sources().stream().map(SourcesQuery::sourceJson).toList());
    }

    /** One source as the sources API shows it. */
    public static SourceBody sourceJson(SourceView v) {
        boolean missing = v.state() == LivenessState.MISSING;
        return new SourceBody(v.key().eventName(), v.key().sourceName(), v.state().name(),
                v.lastSeenMillis() > 0 ? Instant.ofEpochMilli(v.lastSeenMillis()).toString() : null, v.lastSeenMillis(),
                v.channel() == null ? null : v.channel().name().toLowerCase(Locale.ROOT), v.suspicion(), v.flapping(),
                v.onsetHeld(), v.heldBy() == null ? null : v.heldBy().toString(),
                missing ? v.outageId() : null, missing ? Long.valueOf(v.alarmStartMillis()) : null,
                !missing && v.deadlineMillis() > 0 ? Instant.ofEpochMilli(v.deadlineMillis()).toString() : null);
    }

    /** {@code GET /api/v1/sources}: one page. */
    public record SourcesPage(int count, long total, long offset, List<SourceBody> sources) {
    }

    /**
     * One source. {@code onsetHeld} only while an ONSET is held; {@code requestID} and {@code alarmStart} only while
     * MISSING; {@code deadline} only while it has one and is not MISSING.
     */
    public record SourceBody(String eventName, String sourceName, String state, String lastSeen, long lastSeenMillis,
                             String channel, double suspicion, boolean flapping,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String onsetHeld, String heldBy,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String requestID,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Long alarmStart,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String deadline) {
    }
}
