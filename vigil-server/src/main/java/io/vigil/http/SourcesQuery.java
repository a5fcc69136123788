package io.vigil.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourcePage;
import io.vigil.engine.SourceQuery;
import io.vigil.engine.SourceQuery.SourceOrder;
import io.vigil.engine.SourceView;
import io.vigil.ingest.Channel;
import java.time.Instant;
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
    public static ObjectNode pageJson(SourceQuery query, SourcePage page) {
        ObjectNode n = Json.object();
        n.put("count", page.sources().size());
        n.put("total", page.total());
        n.put("offset", query.offset());
        ArrayNode arr = n.putArray("sources");
        for (SourceView v : page.sources()) arr.add(sourceJson(v));
        return n;
    }

    /** One source as the sources API shows it. */
    public static ObjectNode sourceJson(SourceView v) {
        ObjectNode o = Json.object();
        o.put("eventName", v.key().eventName());
        o.put("sourceName", v.key().sourceName());
        o.put("state", v.state().name());
        o.put("lastSeen", v.lastSeenMillis() > 0 ? Instant.ofEpochMilli(v.lastSeenMillis()).toString() : null);
        o.put("lastSeenMillis", v.lastSeenMillis());
        o.put("channel", v.channel() == null ? null : v.channel().name().toLowerCase(Locale.ROOT));
        o.put("suspicion", v.suspicion());
        o.put("flapping", v.flapping());
        if (v.onsetHeld() != null) o.put("onsetHeld", v.onsetHeld());
        o.put("heldBy", v.heldBy() == null ? null : v.heldBy().toString());
        if (v.state() == LivenessState.MISSING) {
            o.put("requestID", v.outageId());
            o.put("alarmStart", v.alarmStartMillis());
        } else if (v.deadlineMillis() > 0) {
            o.put("deadline", Instant.ofEpochMilli(v.deadlineMillis()).toString());
        }
        return o;
    }
}
