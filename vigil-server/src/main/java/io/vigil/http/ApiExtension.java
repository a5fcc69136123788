package io.vigil.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * A capability that adds endpoints to the HTTP API (e.g. the pull-collector side under {@code /api/v1/heartbeat}).
 * Called on a Vert.x event loop for every request the core API does not serve; must not block (use
 * {@code vertx.executeBlocking}). Answer errors with {@link Json#error} bodies.
 */
public interface ApiExtension {
    /** Handles the request and returns true, or returns false (without touching it) when the path is not its own. */
    boolean handle(HttpServerRequest request);
}
