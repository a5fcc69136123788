package io.vigil.store.lease;

import java.time.Instant;

/**
 * A lease as stored: who holds it, under which epoch, until when (by the database's clock).
 *
 * @param name      the lease ("active" for the HA role)
 * @param owner     the holder's instance id; null after a release or before anyone took it
 * @param epoch     incremented on every change of holder and every re-acquisition after expiry
 * @param expiresAt when the lease lapses unless renewed, per the database clock
 */
public record Lease(String name, String owner, long epoch, Instant expiresAt) {
}
