package io.vigil.collect.coordinator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.snapshot.StatusChange;
import io.vigil.store.outbox.OutboxEntry;
import io.vigil.store.outbox.StateWriter;
import java.time.Clock;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Writes the changes of one applied answer as ONE outbox record, kind {@value #KIND}, event name {@value #EVENT_NAME},
 * id {@code collect-<journalSeq>} (stable, so a replayed journal row is not written twice), payload
 * {@code {"id":"collect-N","events":[...]}}: what workers receive. Fenced by the lease epoch like every outbox write.
 */
public final class OutboxChangeWriter implements ChangeWriter {
    public static final String KIND = "STATUS_CHANGES";
    public static final String EVENT_NAME = "collect";
    private final StateWriter writer;
    private final LongSupplier epoch;
    private final Clock clock;
    private final Runnable afterCommit;

    /**
     * @param epoch       the current lease epoch
     * @param afterCommit called after each commit (wakes the relays)
     */
    public OutboxChangeWriter(StateWriter writer, LongSupplier epoch, Clock clock, Runnable afterCommit) {
        this.writer = writer;
        this.epoch = epoch;
        this.clock = clock;
        this.afterCommit = afterCommit;
    }

    @Override
    public void write(List<StatusChange> changes, long journalSeq) {
        if (changes.isEmpty()) return;
        String id = "collect-" + journalSeq;
        String sourceName = changes.size() == 1 ? changes.getFirst().type().wire() + "/" + changes.getFirst().name()
                : changes.size() + " entities";
        writer.commit(List.of(), List.of(new OutboxEntry(id, EVENT_NAME, sourceName, KIND, payload(id, changes), clock.millis())),
                epoch.getAsLong());
        afterCommit.run();
    }

    static String payload(String id, List<StatusChange> changes) {
        ObjectNode n = CollectJson.object();
        n.put("id", id);
        ArrayNode events = n.putArray("events");
        for (StatusChange c : changes) events.add(c.toJson());
        return CollectJson.write(n);
    }
}
