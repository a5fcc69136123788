/**
 * What every ingest channel (HTTP, DMaaP MR, Kafka, peer) hands heartbeats to, the limits it applies at the door (name
 * rules, admission of new sources), and the watermarks that prove how far in time each channel has been listening, so
 * that a source is only judged on evidence.
 */
package io.vigil.ingest;
