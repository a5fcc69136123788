/**
 * Feeds peer liveness to a sink outside vigil-peer (Vigil's engine), so that peers are tracked and alerted on like every
 * other source, without this module depending on the engine.
 */
package io.vigil.peer.feed;
