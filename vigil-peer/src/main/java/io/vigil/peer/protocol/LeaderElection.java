package io.vigil.peer.protocol;

import java.util.Collection;

/**
 * The multicast leader rule, as one pure function so that every member computes the same answer from the same view.
 *
 * <ol>
 * <li>If fewer than {@code quorum} members are live (this one included), nobody leads.</li>
 * <li>Otherwise, if any live member claims leadership (a peer in its last heartbeat, or this member itself), the
 *     claimant with the lowest endpoint id leads. Incumbency wins: a lower id that joins later does not take over, so a
 *     rejoining old leader causes neither a split brain nor a flap.</li>
 * <li>Otherwise the lowest endpoint id among the live members that may lead leads. A member may lead once it has
 *     listened for interval + timeout since joining, so it knows the group before claiming anything.</li>
 * </ol>
 * Ids compare by {@link String#compareTo} (UTF-16 code units, so "node-10" &lt; "node-9": pad numbers).
 */
public final class LeaderElection {

    /** One live member as this member sees it. */
    public record Candidate(String endpointId, boolean claimsLeadership, boolean eligible) {
    }

    private LeaderElection() {
    }

    /**
     * The endpoint id that leads, or null if nobody does.
     *
     * @param live every live member, this one included
     */
    public static String leader(Collection<Candidate> live, int quorum) {
        if (live.size() < quorum) {
            return null;
        }
        String lowestClaimant = null;
        String lowestEligible = null;
        for (Candidate c : live) {
            if (c.claimsLeadership() && (lowestClaimant == null || c.endpointId().compareTo(lowestClaimant) < 0)) {
                lowestClaimant = c.endpointId();
            }
            if (c.eligible() && (lowestEligible == null || c.endpointId().compareTo(lowestEligible) < 0)) {
                lowestEligible = c.endpointId();
            }
        }
        return lowestClaimant != null ? lowestClaimant : lowestEligible;
    }
}
