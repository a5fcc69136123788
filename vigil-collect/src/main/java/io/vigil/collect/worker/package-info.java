/**
 * Workers, where status-change events go: worker scripts fed from the outbox by their own relays (at least once, in
 * order), receiving only the outbox kinds the pull side writes.
 */
package io.vigil.collect.worker;
