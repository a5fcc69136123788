/**
 * The contract between the outbox and the receivers of change events: the {@link io.vigil.delivery.Sink} a relay
 * drives, the outbox records it reads after its sink's cursor, and the filter that gives a sink only some kinds.
 */
package io.vigil.delivery;
