/**
 * VES heartbeat events in: the streaming parser that reads only the fields detection needs from a VES body (the ingest
 * hot path), the heartbeats it yields and the items it rejects, each with its JSON path and reason.
 */
package io.vigil.ves;
