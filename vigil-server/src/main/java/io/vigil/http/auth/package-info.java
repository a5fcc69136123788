/**
 * Access control of the HTTP API: tokens and roles, loopback trust, and the gate every request passes before it is routed.
 */
package io.vigil.http.auth;
