/**
 * The operator's dashboard at /: static files, the live change-event stream, one source by its names, and the OpenAPI document.
 */
package io.vigil.http.dashboard;
