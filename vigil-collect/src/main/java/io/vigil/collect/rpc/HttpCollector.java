package io.vigil.collect.rpc;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vigil.collect.CollectJson;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A remote {@code vigil collector} called over HTTP/JSON. A call fails (exceptionally) on a connection error, a
 * non-200 answer or when it outlives the timeout; the {@link CollectorPool} then tries another collector.
 * Thread-safe.
 */
public final class HttpCollector implements Collector, AutoCloseable {
    private final String base;
    private final long timeoutMillis;
    private final HttpClientAgent client;

    public HttpCollector(Vertx vertx, String baseUrl, Duration timeout) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeoutMillis = timeout.toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) Math.min(timeoutMillis, 5000)),
                new PoolOptions().setHttp1MaxSize(4));
    }

    @Override
    public String id() {
        return base;
    }

    @Override
    public CompletionStage<RpcResult> getAll(List<String> datasources) {
        return call("get_all", datasources);
    }

    @Override
    public CompletionStage<RpcResult> getChanges(List<String> datasources) {
        return call("get_changes", datasources);
    }

    private CompletionStage<RpcResult> call(String rpc, List<String> datasources) {
        var body = CollectJson.object();
        var arr = body.putArray("datasources");
        datasources.forEach(arr::add);
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(base + "/rpc/" + rpc)
                .setTimeout(timeoutMillis).putHeader("Content-Type", "application/json");
        return client.request(ro)
                .compose(req -> req.send(Buffer.buffer(CollectJson.write(body))))
                .compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() != 200)
                        throw new IllegalStateException("collector " + base + " answered " + resp.statusCode() + ": " + b);
                    return RpcResult.fromJson(CollectJson.read(b.toString()));
                }))
                // an overall deadline too: a connection that stays open but never answers (a collector shutting down
                // gracefully, a half-open socket) must not hold the call past its timeout, so the pool tries the next
                .timeout(timeoutMillis + 500, java.util.concurrent.TimeUnit.MILLISECONDS)
                .toCompletionStage();
    }

    @Override
    public void close() {
        client.close();
    }
}
