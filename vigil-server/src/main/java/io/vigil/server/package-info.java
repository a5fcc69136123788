/**
 * One running Vigil: wiring of store, lease, engine, ingest, relays and the HTTP API in dependency order (VigilServer), the HA role, reload, and the backends the HTTP layer talks to (CoreBackend).
 */
package io.vigil.server;
