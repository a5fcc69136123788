package io.vigil.collect;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * A real local TCP service for checks (a Vert.x NetServer on 127.0.0.1): accepts and closes connections. {@link #stop()}
 * returns once the port refuses connections; {@link #restart()} listens on the same port again.
 */
public final class TcpService implements AutoCloseable {
    private static final Vertx VERTX = Vertx.vertx();
    private int port;
    private NetServer server;

    private TcpService() {
    }

    /** Starts on a free port. */
    public static TcpService start() {
        TcpService s = new TcpService();
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

    public synchronized int port() {
        return port;
    }

    /** Stops listening: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        if (server == null) return;
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closed anyway
        }
        server = null;
    }

    /** Listens again on the same port. */
    public synchronized void restart() {
        stop();
        listen(port);
    }

    @Override
    public void close() {
        stop();
    }
}
