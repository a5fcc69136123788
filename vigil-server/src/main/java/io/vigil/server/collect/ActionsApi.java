package io.vigil.server.collect;

import io.vertx.core.http.HttpServerRequest;

/** Delayed actions and plans over HTTP; see docs/collect.md. */
public final class ActionsApi implements AutoCloseable {
    public boolean handle(HttpServerRequest req) {
        return false;
    }

    @Override
    public void close() {
    }
}
