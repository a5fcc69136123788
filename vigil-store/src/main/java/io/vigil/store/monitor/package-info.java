/**
 * The configured monitor set in the store, swapped as a whole, kept for visibility and shared by HA instances.
 */
package io.vigil.store.monitor;
