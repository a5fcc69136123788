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

    /**
     * Stops listening and returns once a connection to the port is refused (the server's close completing was seen
     * not to be enough: a check right after it reached the port once on a loaded machine), so that a check run after
     * this finds the service down. Connections are refused until {@link #restart()}.
     */
    public synchronized void stop() {
        if (server == null) return;
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closed anyway, or still closing: the probe below waits for it
        }
        server = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (accepts(port)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("port " + port + " still accepts connections 10 s after close");
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
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
