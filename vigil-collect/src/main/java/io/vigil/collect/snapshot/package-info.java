/**
 * The pull side's view of every collected entity: the status table and its diff into status changes (pure, so that
 * snapshot plus journal replay is exact), the journal and snapshot in the store, and clmgr's global heartbeat document
 * and JSON command form built from it.
 */
package io.vigil.collect.snapshot;
