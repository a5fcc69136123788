package io.vigil.peer;

/** Leadership of a multicast member, named as StreamBase names it. */
public enum LeadershipStatus {
    LEADER,
    NON_LEADER
}
