/**
 * What the pull side does in response to status changes: named actions (a command or a webhook), delayed actions that
 * fire once when a matching status shows up, and action queues (plans) run step after step, every transition stored so
 * that a restart resumes where it stood.
 */
package io.vigil.collect.action;
