package io.vigil.store.deadletter;

import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter table ({@code dead_letters}): where a writer puts a row that failed for a permanent reason
 * ({@link StoreErrors#isPermanent}, or {@link StoreLimits} said so before trying), so that it can go on with the
 * others. Each record is counted per {@link DeadLetterKind} (metric {@code vigil_dead_letters_total{kind}}, shown in
 * {@code /api/v1/status}) and logged once as a WARN.
 *
 * <p>What is stored is made storable first: the key is cut to 600 characters, the payload to 64 KiB, and NUL and
 * lone surrogates are escaped, so that a dead letter cannot itself be poison. When even that insert fails (the store
 * is down), the record is still counted and its key and error are in the log; it is not retried, because the
 * writer's own retry is what matters and this table is for the operator.
 *
 * <p>Thread-safe; one instance per store, shared by every writer.
 */
public final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    static final int MAX_KEY = 600;
    static final int MAX_ERROR = 2000;
    static final int MAX_PAYLOAD = 64 * 1024;

    private final Database db;
    private final Map<DeadLetterKind, LongAdder> counts = new EnumMap<>(DeadLetterKind.class);

    public DeadLetters(Database db) {
        this.db = db;
        for (DeadLetterKind k : DeadLetterKind.values()) counts.put(k, new LongAdder());
    }

    /**
     * Records a row that cannot be written.
     *
     * @param key     which row (e.g. {@code eventName/sourceName})
     * @param payload the row's content as JSON text
     * @param error   why it was refused
     */
    public void record(DeadLetterKind kind, String key, String payload, String error, long nowMillis) {
        counts.get(kind).increment();
        String k = storable(key, MAX_KEY);
        String e = storable(error, MAX_ERROR);
        log.warn("dead-lettered a {} that the store refuses for good ({}): {}. The writer goes on; see the dead_letters "
                + "table or GET /api/v1/dead-letters", kind.label(), e, k.length() > 120 ? k.substring(0, 120) + "…" : k);
        try {
            db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO dead_letters (kind, key_text, payload, error_text, created_at_ms) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, kind.label());
                    ps.setString(2, k);
                    ps.setString(3, storable(payload, MAX_PAYLOAD));
                    ps.setString(4, e);
                    ps.setLong(5, nowMillis);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException x) {
            log.error("could not store a dead letter ({}); it is counted, and this log line is its only record: {} {} ({})",
                    x.getMessage(), kind.label(), k, e);
        }
    }

    /** Dead letters recorded by this process, by kind (every kind present). */
    public Map<DeadLetterKind, Long> counts() {
        Map<DeadLetterKind, Long> out = new EnumMap<>(DeadLetterKind.class);
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The number recorded by this process for {@code kind}. */
    public long count(DeadLetterKind kind) {
        return counts.get(kind).sum();
    }

    /** The newest stored dead letters, newest first, at most {@code limit}. */
    public List<DeadLetter> recent(int limit) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, kind, key_text, payload, error_text, created_at_ms FROM dead_letters ORDER BY seq DESC LIMIT ?")) {
                ps.setInt(1, limit);
                List<DeadLetter> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getLong(6)));
                    }
                }
                return out;
            }
        });
    }

    /** Deletes dead letters recorded before {@code beforeMillis}. */
    public int prune(long beforeMillis) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dead_letters WHERE created_at_ms < ?")) {
                ps.setLong(1, beforeMillis);
                return ps.executeUpdate();
            }
        });
    }

    /** {@code s} cut to {@code max} characters, with NUL and lone surrogates written as {@code \\uXXXX}. */
    static String storable(String s, int max) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 16);
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                if (b.length() + 2 > max) break;
                b.append(c).append(s.charAt(++i));
            } else if (c == 0 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        boolean cut = b.length() >= max && s.length() > 0;
        if (cut) {
            b.setLength(Math.max(0, max - 1));
            if (b.length() > 0 && Character.isHighSurrogate(b.charAt(b.length() - 1))) b.setLength(b.length() - 1);
            b.append('…');
        }
        return b.toString();
    }
}
