package io.vigil.store.instance;

import java.time.Instant;

/**
 * One instance as announced in the store.
 *
 * @param instanceId the instance's id ({@code ha.instanceId}), also the lease owner name
 * @param url        where its HTTP API is reachable by the other instances, e.g. {@code http://10.0.0.5:8080}
 * @param startedAt  its first announcement since it started, per the database clock
 * @param seenAt     its latest announcement, per the database clock
 */
public record InstanceRecord(String instanceId, String url, Instant startedAt, Instant seenAt) {
}
