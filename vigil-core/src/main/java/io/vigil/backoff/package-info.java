/**
 * The one backoff policy type ({@link io.vigil.backoff.BackoffPolicy}): how long every retry loop of Vigil waits after
 * n consecutive failures (outbox relays, the DMaaP poller, the Kafka event queue, the journal's store retries, the
 * collector pool). Pure functions of the failure count, so loops on an injected clock test them without sleeping.
 */
@NullMarked
package io.vigil.backoff;

import org.jspecify.annotations.NullMarked;
