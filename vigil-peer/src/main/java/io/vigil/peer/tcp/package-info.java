/**
 * The TCP socket edges around the pure protocols: the client, and the server sharded over Vert.x event loops (a session
 * stays on one shard, so its events keep their order) with its cap on open connections.
 */
package io.vigil.peer.tcp;
