/**
 * Who may do what, as values: bearer tokens ({@link io.vigil.access.ApiToken}), their roles ({@link io.vigil.access.Role})
 * and the access settings ({@link io.vigil.access.ApiAccess}). Read by the config loader and enforced by the HTTP layer
 * ({@code io.vigil.http.auth}), so it sits below both and depends on neither.
 */
@NullMarked
package io.vigil.access;

import org.jspecify.annotations.NullMarked;
