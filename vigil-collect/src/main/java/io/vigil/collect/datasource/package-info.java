/**
 * Datasources, the pull sources of entity status: declared entities with their checks (TCP, HTTP, command, database),
 * discovery commands and Amazon EC2, optionally cached for a TTL; a failed check is a state and a status code, never an
 * exception.
 */
package io.vigil.collect.datasource;
