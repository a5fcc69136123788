package io.vigil.store.lease;

import io.vigil.store.StoreException;

/**
 * A write carried an epoch that is no longer the current epoch of the {@code active} lease: another instance took
 * over (or nobody holds the lease). Nothing of the refused write was stored. The caller has lost the active role
 * and must stop emitting.
 */
public class StaleEpochException extends StoreException {
    private final long offeredEpoch;
    private final long currentEpoch;

    public StaleEpochException(long offeredEpoch, long currentEpoch) {
        super(currentEpoch < 0
                ? "Write refused: no '" + LeaseRepository.ACTIVE + "' lease exists; acquire it before writing"
                : "Write refused: epoch " + offeredEpoch + " is stale, the '" + LeaseRepository.ACTIVE
                  + "' lease is at epoch " + currentEpoch + " (another instance took over)");
        this.offeredEpoch = offeredEpoch;
        this.currentEpoch = currentEpoch;
    }

    public long offeredEpoch() {
        return offeredEpoch;
    }

    /** The lease's epoch at the time of the refusal, or -1 when there was no lease row. */
    public long currentEpoch() {
        return currentEpoch;
    }
}
