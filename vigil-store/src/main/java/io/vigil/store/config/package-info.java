/**
 * Named configuration documents with a version counter in the store, so that a reload on one HA instance reaches the
 * others.
 */
package io.vigil.store.config;
