package io.vigil.collect.worker;

import java.util.Set;

/** The outbox kinds written by the pull side; its workers receive only these (through a {@link io.vigil.delivery.KindFilter}). */
public final class CollectEventsOnly {
    public static final Set<String> KINDS = Set.of("STATUS_CHANGES", "PLAN_EVENT");

    private CollectEventsOnly() {
    }
}
