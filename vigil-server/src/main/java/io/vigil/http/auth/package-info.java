/**
 * Access control of the HTTP API: the policy (tokens and roles from {@code io.vigil.access}, loopback trust) and the gate every request passes before it is routed.
 */
package io.vigil.http.auth;
