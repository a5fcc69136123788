package io.vigil.collect.coordinator;

import io.vigil.collect.snapshot.StatusChange;
import java.util.List;

/**
 * Where the engine puts the changes of one applied answer: the outbox. Must be idempotent per {@code journalSeq}
 * (replaying a journal row after a crash writes the same event id again, which must not duplicate it) and must throw
 * when it could not write, so the engine retries.
 */
@FunctionalInterface
public interface ChangeWriter {
    void write(List<StatusChange> changes, long journalSeq);
}
