package io.vigil.peer.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.protocol.LeaderElection.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

    @Test
    void withoutClaimsTheLowestEligibleIdLeads() {
        assertThat(LeaderElection.leader(List.of(new Candidate("b", false, true), new Candidate("a", false, true),
                new Candidate("c", false, true)), 1)).isEqualTo("a");
    }

    @Test
    void aMemberStillListeningCannotBeElected() {
        assertThat(LeaderElection.leader(List.of(new Candidate("a", false, false), new Candidate("b", false, true)), 1))
                .isEqualTo("b");
    }

    @Test
    void anIncumbentKeepsLeadershipWhenALowerIdJoins() {
        assertThat(LeaderElection.leader(List.of(new Candidate("a", false, true), new Candidate("b", true, true)), 1))
                .isEqualTo("b");
    }

    @Test
    void twoClaimantsAfterAPartitionHealsResolveToTheLowestId() {
        assertThat(LeaderElection.leader(List.of(new Candidate("c", true, true), new Candidate("a", true, true),
                new Candidate("b", false, true)), 1)).isEqualTo("a");
    }

    @Test
    void belowQuorumNobodyLeads() {
        assertThat(LeaderElection.leader(List.of(new Candidate("a", true, true)), 2)).isNull();
    }
}
