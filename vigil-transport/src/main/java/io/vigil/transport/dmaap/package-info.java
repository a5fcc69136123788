/**
 * DMaaP Message Router, as ONAP uses it: the long-polling consumer of VES heartbeats (bad items counted and skipped,
 * not fatal) and the sink that publishes control-loop events to a topic.
 */
package io.vigil.transport.dmaap;
