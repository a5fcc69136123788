package io.vigil.store.deadletter;

/**
 * One row of the dead-letter table.
 *
 * @param seq             position (increasing)
 * @param kind            what was being written
 * @param key             which row, e.g. {@code eventName/sourceName} (cut to 600 characters, unstorable ones escaped)
 * @param payload         the row as JSON (cut to 64 KiB)
 * @param error           why it was refused
 * @param createdAtMillis when it was dead-lettered
 */
public record DeadLetter(long seq, String kind, String key, String payload, String error, long createdAtMillis) {
}
