package io.vigil.server.peers;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The bodies of {@link PeersApi}'s answers and of the {@code peers} part of {@code GET /api/v1/status} as records:
 * Jackson writes a record's components in declaration order, so each record is the field list of its JSON object
 * (names, order and types are part of the API: docs/api.md and the OpenAPI document).
 */
public final class PeerBodies {
    private PeerBodies() {
    }

    /** {@code GET /api/v1/peers}. */
    public record Endpoints(List<EndpointBody> endpoints) {
    }

    /**
     * One endpoint. {@code heardUpTo} only once it has proven it heard, {@code lastError} only after an error,
     * {@code peers} only in {@code GET /api/v1/peers} (not in the status summary).
     */
    public record EndpointBody(String name, String type, String state, String hostname, int port, int localPort,
                               String endpointId, String eventName, String leadershipStatus, int peersKnown,
                               int peersConnected,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String heardUpTo,
                               @JsonInclude(JsonInclude.Include.NON_NULL) ErrorBody lastError,
                               @JsonInclude(JsonInclude.Include.NON_NULL) List<PeerBody> peers) {
    }

    /** The endpoint's last error. */
    public record ErrorBody(String kind, String message, String time) {
    }

    /** One peer an endpoint knows. */
    public record PeerBody(String source, String hostname, int port, boolean connected, String lastEvent,
                           String lastEventAt, long seqnum, String leadershipStatus) {
    }

    /** {@code POST /api/v1/peers/leadership}. */
    record LeadershipSet(String leadershipStatus, List<String> endpoints) {
    }

    /** {@code POST /api/v1/peers/{name}/command}. */
    record CommandApplied(String endpoint, String command, boolean applied) {
    }
}
