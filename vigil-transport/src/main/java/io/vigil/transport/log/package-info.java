/**
 * The log sink: each change event as one INFO line of its own logger, for an audit trail.
 */
package io.vigil.transport.log;
