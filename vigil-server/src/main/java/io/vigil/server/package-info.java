/**
 * One running Vigil: wiring of store, lease, engine, ingest, relays and the HTTP API in dependency order (VigilServer), the HA role, reload, and the backends the HTTP layer talks to (CoreBackend).
 *
 * <p>Nullness: {@code @NullMarked}; what one mode or configuration has and another has not (the DMaaP poller, peer
 * endpoints, the forwarder, the partition assignments) is {@code @Nullable}. {@code VigilServer}'s store, lease,
 * liveness, metrics and HTTP fields are set once during start and read only after it succeeded ({@code close} alone
 * sees them unset, after a failed start).
 */
@NullMarked
package io.vigil.server;

import org.jspecify.annotations.NullMarked;
