package io.vigil.bench.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The baseline for Vigil's HTTP ingest figures: a bare Vert.x HTTP server that does the least any VES listener must do
 * (STACK.md's "same handler everywhere"): read the body, pull {@code sourceName} and {@code lastEpochMicrosec} out of
 * every {@code commonEventHeader} with Jackson's streaming parser, put them into a {@link ConcurrentHashMap}, answer
 * 202. No routing beyond the method, no auth, no metrics, no engine, no store.
 *
 * <p>Same server options as Vigil's {@code HttpApi} (one server instance per available processor sharing the port,
 * TCP_NODELAY, no compression), so that {@code vigil / bare} measures Vigil's own cost, not a different setup.
 *
 * <p>{@code java -Xmx512m -cp vigil-bench.jar io.vigil.bench.http.BareVertxServer <port>}; prints
 * {@code listening on <port>}, and the number of heartbeats recorded when it gets SIGTERM.
 */
public final class BareVertxServer {
    private static final JsonFactory JSON = new JsonFactory();

    private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final LongAdder heartbeats = new LongAdder();

    private BareVertxServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        BareVertxServer bare = new BareVertxServer();
        Vertx vertx = Vertx.vertx();
        HttpServerOptions opts = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                .setTcpNoDelay(true).setCompressionSupported(false).setIdleTimeout(300);
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < instances; i++) {
            vertx.createHttpServer(opts).requestHandler(bare::handle).listen().await(10, TimeUnit.SECONDS);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                System.out.println("recorded " + bare.heartbeats.sum() + " heartbeats, " + bare.lastSeen.size() + " sources")));
        System.out.println("listening on " + port + " (" + instances + " event loops)");
    }

    private void handle(HttpServerRequest req) {
        if (req.method() != io.vertx.core.http.HttpMethod.POST) {
            req.response().setStatusCode(200).end("bare");
            return;
        }
        req.body().onComplete(ar -> {
            if (ar.failed()) {
                req.response().setStatusCode(400).end();
                return;
            }
            try {
                record(ar.result());
                req.response().setStatusCode(202).end();
            } catch (IOException | RuntimeException e) {
                req.response().setStatusCode(400).end(String.valueOf(e.getMessage()));
            }
        });
    }

    /** Every commonEventHeader in the body, at any depth ({"event":…} or {"eventList":[…]}). */
    private void record(Buffer body) throws IOException {
        try (JsonParser p = JSON.createParser(body.getBytes())) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && "commonEventHeader".equals(p.currentName())) {
                    if (p.nextToken() != JsonToken.START_OBJECT) continue;
                    String source = null;
                    long epoch = -1;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken v = p.nextToken();
                        if ("sourceName".equals(f) && v == JsonToken.VALUE_STRING) source = p.getText();
                        else if ("lastEpochMicrosec".equals(f) && v == JsonToken.VALUE_NUMBER_INT) epoch = p.getLongValue();
                        else p.skipChildren();
                    }
                    if (source == null || epoch < 0) throw new IOException("commonEventHeader without sourceName/lastEpochMicrosec");
                    lastSeen.merge(source, epoch, Math::max);
                    heartbeats.increment();
                }
            }
        }
    }
}
