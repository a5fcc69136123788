/**
 * The dead-letter table and what sends a row there: failures sorted into permanent and transient by SQLSTATE, and the
 * column limits checked before writing, so that one bad row never blocks the rows behind it.
 */
package io.vigil.store.deadletter;
