/**
 * Credentials and their redaction: basic-auth credentials that never show their password, and the one place that masks
 * secrets in text Vigil shows (URLs, parameters, headers, properties).
 */
package io.vigil.secret;
