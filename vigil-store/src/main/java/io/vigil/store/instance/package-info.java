/**
 * The directory of running instances and their advertised URLs, which a standby uses to find the active instance named
 * by the lease.
 */
package io.vigil.store.instance;
