package io.vigil.peer.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.EventName;
import io.vigil.peer.PeerEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerLivenessForwarderTest {

    @Test
    void heardEventsAndTimeoutsReachTheSinkNamedByEndpointIdOrAddress() {
        List<String> calls = new ArrayList<>();
        PeerLivenessForwarder forwarder = new PeerLivenessForwarder(new PeerLivenessSink() {
            @Override
            public void heard(String sourceName, long receivedMillis) {
                calls.add("heard " + sourceName + " " + receivedMillis);
            }

            @Override
            public void lost(String sourceName, long atMillis) {
                calls.add("lost " + sourceName + " " + atMillis);
            }
        });
        forwarder.onEvent(new PeerEvent(EventName.CONNECTED, "10.0.0.1", 7001, 1, 0, "db-1", null));
        forwarder.onEvent(new PeerEvent(EventName.HEARTBEAT, "10.0.0.2", 40000, 2, 1, null, null));
        forwarder.onEvent(new PeerEvent(EventName.TIMEOUT, "10.0.0.1", 7001, 3, 0, "db-1", null));
        forwarder.onEvent(new PeerEvent(EventName.DISCONNECTED, "10.0.0.1", 7001, 3, 0, "db-1", null));
        assertThat(calls).containsExactly("heard db-1 1", "heard 10.0.0.2:40000 2", "lost db-1 3");
    }
}
