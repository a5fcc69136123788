package io.vigil.http;

/**
 * A group of REST endpoints (the core API, detection, the pull side, …) that declares its routes in a
 * {@link RouteTable}. Handlers run on a Vert.x event loop and must not block: store work goes through
 * {@link Answer#blocking}. Every answer uses {@link Answer}, so all errors have one shape.
 */
public interface ApiRoutes {
    void declare(RouteTable routes);
}
