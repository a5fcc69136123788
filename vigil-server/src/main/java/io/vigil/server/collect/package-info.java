/**
 * The pull side inside vigil serve: its runtime and its REST endpoints (global heartbeat, command form, delayed actions, plans, collector RPC).
 */
package io.vigil.server.collect;
