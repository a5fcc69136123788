/**
 * The peer heartbeat adapter as a library: one TCP server, TCP client or multicast member at a time, driven by commands
 * (start, stop, suspend, resume, …) over its properties, reporting peer events and errors to its listeners.
 */
package io.vigil.peer;
