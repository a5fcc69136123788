/**
 * A hashed timing wheel: per-entry deadlines (one per tracked source) scheduled, cancelled and expired in O(1), with
 * no object per entry beyond the entry itself.
 */
package io.vigil.timing;
