package io.vigil.peer.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor for the peer server benchmark: the least a heartbeat server can do on this machine. Plain NIO, one selector
 * thread per core, no protocol: it answers every newline-terminated line with one fixed heartbeat-sized line (a server
 * hello first, so the load generator's handshake completes), and counts. Whatever it costs in CPU is the kernel's
 * loopback TCP plus a minimal event loop; {@code PeerBenchServer} (the real adapter) is reported as a ratio to it.
 *
 * <p>Args: port seconds [threads]. Prints lines/s and CPU every 5 s.
 */
public final class BareHeartbeatServer {

    private static final AtomicLong LINES = new AtomicLong();
    private static final AtomicLong CONNECTIONS = new AtomicLong();

    private BareHeartbeatServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        List<Loop> loops = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Loop loop = new Loop();
            loops.add(loop);
            Thread t = new Thread(loop, "bare-loop-" + i);
            t.setDaemon(true);
            t.start();
        }
        Thread acceptor = new Thread(() -> {
            int next = 0;
            try {
                while (true) {
                    SocketChannel ch = server.accept();
                    loops.get(next++ % loops.size()).add(ch);
                }
            } catch (IOException e) {
                System.err.println("accept: " + e);
            }
        }, "bare-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("bare server ready on " + port + " with " + threads + " loops");
        CpuMeter cpu = new CpuMeter();
        long last = 0;
        for (long t = 0; t < seconds; t += 5) {
            Thread.sleep(5000);
            long lines = LINES.get();
            System.out.printf("t=%3ds connections=%6d lines/s=%8.0f cpu=%.2f cores%n", t + 5, CONNECTIONS.get(),
                    (lines - last) / 5.0, cpu.sample());
            last = lines;
        }
    }

    /** One selector thread: reads lines, answers each with one heartbeat-sized line. */
    private static final class Loop implements Runnable {
        private final Selector selector;
        private final java.util.concurrent.ConcurrentLinkedQueue<SocketChannel> pending =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        private final ByteBuffer answer = ByteBuffer.allocateDirect(256);

        Loop() throws IOException {
            selector = Selector.open();
            answer.put(("{\"v\":1,\"t\":\"hb\",\"id\":\"bare\",\"seq\":2,\"ts\":1732676400000,"
                    + "\"n\":\"00112233445566778899aabbccddeeff\",\"pn\":\"00112233445566778899aabbccddeeff\"}\n")
                    .getBytes(StandardCharsets.US_ASCII)).flip();
        }

        /** The server hello for the client hello in {@code in[0, n)}: its {@code "n"} echoed as {@code "pn"}. */
        private ByteBuffer hello(int n) {
            byte[] line = new byte[n];
            in.get(0, line);
            String text = new String(line, StandardCharsets.US_ASCII);
            int at = text.indexOf("\"n\":\"") + 5;
            String nonce = text.substring(at, text.indexOf('"', at));
            return ByteBuffer.wrap(("{\"v\":1,\"t\":\"hello\",\"id\":\"bare\",\"seq\":1,\"ts\":1732676400000,"
                    + "\"n\":\"00112233445566778899aabbccddeeff\",\"pn\":\"" + nonce + "\"}\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }

        void add(SocketChannel ch) {
            pending.add(ch);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    selector.select();
                    for (SocketChannel ch; (ch = pending.poll()) != null; ) {
                        ch.configureBlocking(false);
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        ch.register(selector, SelectionKey.OP_READ, new boolean[1]);
                        CONNECTIONS.incrementAndGet();
                    }
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        read(key);
                    }
                }
            } catch (IOException e) {
                System.err.println("loop: " + e);
            }
        }

        private void read(SelectionKey key) throws IOException {
            SocketChannel ch = (SocketChannel) key.channel();
            in.clear();
            int n;
            try {
                n = ch.read(in);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                key.cancel();
                ch.close();
                CONNECTIONS.decrementAndGet();
                return;
            }
            int lines = 0;
            for (int i = 0; i < n; i++) {
                if (in.get(i) == '\n') {
                    lines++;
                }
            }
            if (lines == 0) {
                return;
            }
            LINES.addAndGet(lines);
            boolean[] greeted = (boolean[]) key.attachment();
            if (!greeted[0]) {
                greeted[0] = true;
                ch.write(hello(n)); // the handshake: echo the client's nonce, as the generator checks
                return;
            }
            answer.rewind();
            ch.write(answer); // one small frame into an idle socket: a short write only if the client stopped reading
        }
    }
}
