/**
 * The vigil command line (picocli): serve, config check, send, status, sources, actions, peer, collector and the client commands that call the REST API.
 */
package io.vigil.cli;
