package io.vigil.peer.tcp;

import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerProperties;

/** A heartbeat server in its own JVM, for tests that freeze it with SIGSTOP. Args: port interval timeout. */
public final class ServerProcessMain {

    private ServerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        PeerHeartbeat server = PeerHeartbeat.create(PeerProperties.builder().port(Integer.parseInt(args[0]))
                .hostname("127.0.0.1").endpointId("frozen-srv").heartbeatIntervalMillis(Long.parseLong(args[1]))
                .heartbeatTimeoutMillis(Long.parseLong(args[2])).build());
        server.command(Command.of(CommandName.START_SERVER)).join();
        System.out.println("ready");
        System.out.flush();
        System.in.read(); // until the test closes our stdin or kills us
        server.close();
    }
}
