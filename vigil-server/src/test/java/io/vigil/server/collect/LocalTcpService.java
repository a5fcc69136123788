package io.vigil.server.collect;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;

/** A real local TCP service standing in for a database or sshd: stop refuses connections, restart listens again. */
final class LocalTcpService implements AutoCloseable {
    private static final Vertx VERTX = Vertx.vertx();
    private int port;
    private NetServer server;

    static LocalTcpService start() {
        LocalTcpService s = new LocalTcpService();
        s.listen(0);
        return s;
    }

    private synchronized void listen(int p) {
        NetServer ns = VERTX.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(p).setReuseAddress(true))
                .connectHandler(socket -> socket.close());
        try {
            ns.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + p, e);
        }
        server = ns;
        port = ns.actualPort();
    }

    synchronized int port() {
        return port;
    }

    synchronized void stop() {
        if (server == null) return;
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closed anyway
        }
        server = null;
    }

    synchronized void restart() {
        stop();
        listen(port);
    }

    @Override
    public void close() {
        stop();
    }
}
