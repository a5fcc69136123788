package io.vigil.transport.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Default mode: which records of each partition this consumer has already handed to the receiver, so that a record
 * read again after the group rejoined (from the last commit, e.g. after a broker restart) is not handed over twice:
 * under {@code timeBase: arrival} an old heartbeat handed over again would look new (a dead source's ABATED).
 *
 * <p>A record counts as handed before only when its offset is below the partition's mark <em>and</em> its timestamp
 * is no newer than the newest one handed from that partition. A re-read record carries the very timestamp it had the
 * first time, so it always passes both tests. A log that was replaced (the topic deleted and created again, offsets
 * starting over) brings offsets below the mark with new timestamps: the first such record moves the mark back instead
 * of being skipped, so a recreated topic can never silence its sources. A record without a timestamp is never
 * skipped (a duplicate is harmless next to a lost heartbeat). Not thread-safe: the poll thread only.
 */
final class HandedRecords {
    private static final class Mark {
        long nextOffset;
        long newestTimestamp;

        Mark(long nextOffset, long newestTimestamp) {
            this.nextOffset = nextOffset;
            this.newestTimestamp = newestTimestamp;
        }
    }

    private final Map<TopicPartition, Mark> marks = new HashMap<>();

    /**
     * Records the record as handed unless it was handed before.
     *
     * @param timestamp the record's timestamp (negative: none)
     * @return true when this record was handed over before and must be skipped
     */
    boolean seenBefore(TopicPartition tp, long offset, long timestamp) {
        Mark m = marks.get(tp);
        if (m == null) {
            marks.put(tp, new Mark(offset + 1, timestamp));
            return false;
        }
        if (offset < m.nextOffset && timestamp >= 0 && timestamp <= m.newestTimestamp) return true;
        if (offset < m.nextOffset) {
            // below the mark but newer than anything handed (or without a timestamp): a new log, not a re-read
            m.nextOffset = offset + 1;
            m.newestTimestamp = timestamp;
            return false;
        }
        m.nextOffset = offset + 1;
        m.newestTimestamp = Math.max(m.newestTimestamp, timestamp);
        return false;
    }
}
