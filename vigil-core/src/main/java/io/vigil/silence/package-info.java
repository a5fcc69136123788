/**
 * Silences (maintenance windows): which sources they match and when they apply, once or on a weekly schedule; while one
 * is active, the ONSETs of its sources are recorded but not published.
 */
package io.vigil.silence;
