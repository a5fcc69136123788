/**
 * The webhook sink: change events as HTTP POSTs of their JSON payload, batched when configured, acknowledged by a 2xx,
 * with credentials in the URL sent as basic auth and never shown.
 */
package io.vigil.transport.webhook;
