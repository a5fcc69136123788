/**
 * Named leases with an epoch, the basis of HA fencing: expiry by the database's clock, and a write carrying an old epoch
 * is refused.
 */
package io.vigil.store.lease;
