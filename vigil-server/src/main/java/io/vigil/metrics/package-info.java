/**
 * Prometheus metrics of the server (VigilMetrics); reads the lease through a narrow interface, so it depends on neither the server nor the HTTP layer.
 */
package io.vigil.metrics;
