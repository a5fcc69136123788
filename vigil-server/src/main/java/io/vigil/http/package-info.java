/**
 * The HTTP face on Vert.x: the VES listener (raw handler, the hot path) in front of a vertx-web Router built from the routes every API declares once (RouteTable); handlers talk to narrow backend interfaces, never to the server.
 */
package io.vigil.http;
