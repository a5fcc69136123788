/**
 * Running one external command (check, discovery, worker script, action) with its stdin, capped output and a timeout
 * that kills the process tree.
 */
package io.vigil.collect.process;
