/**
 * Collectors on demand and their RPC: {@code get_all} and {@code get_changes} in process or over HTTP/JSON, several
 * active-active collectors behind one pool, and the event queue that collectors append their results to in the
 * background.
 */
package io.vigil.collect.rpc;
