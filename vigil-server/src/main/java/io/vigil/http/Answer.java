package io.vigil.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * How every endpoint answers: a JSON body, or the one error shape {@code {"error": message, "code": code}}
 * ({@link Json#error}); store work off the event loop with {@link #blocking}. A response that has already ended
 * is left alone, so a late answer (after a timeout answered 503) is dropped, not an exception.
 */
public final class Answer {
    private Answer() {
    }

    public static void json(HttpServerRequest req, int status, Object body) {
        HttpServerResponse r = req.response();
        if (r.ended()) return;
        r.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    public static void json(RoutingContext ctx, int status, Object body) {
        json(ctx.request(), status, body);
    }

    public static void error(HttpServerRequest req, int status, String code, String message) {
        json(req, status, Json.error(code, message));
    }

    public static void error(RoutingContext ctx, int status, String code, String message) {
        error(ctx.request(), status, code, message);
    }

    /**
     * Runs {@code work} on a worker thread (it may block on the store) and hands its result to {@code answer} on the
     * event loop; a failure answers 503 {@code unavailable} with an error id, the detail only in the log
     * ({@link HiddenErrors}).
     */
    public static <T> void blocking(RoutingContext ctx, Callable<T> work, Consumer<T> answer) {
        ctx.vertx().executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                answer.accept(ar.result());
            } else {
                json(ctx, 503, HiddenErrors.report("unavailable", "HTTP " + ctx.request().method() + " "
                        + ctx.request().path() + " could not be answered: the store failed", ar.cause()));
            }
        });
    }

    /**
     * The request body as a JSON object, or empty after answering 400 ({@code invalid_json}) naming the problem.
     * The body was read (up to {@code http.maxBodyBytes}) by the router before the handler ran.
     */
    public static Optional<JsonNode> jsonObject(RoutingContext ctx) {
        JsonNode json;
        try {
            var body = ctx.body().buffer();
            json = body == null || body.length() == 0 ? null : Json.MAPPER.readTree(body.getBytes());
        } catch (Exception e) {
            error(ctx, 400, "invalid_json", "the body is not JSON: " + e.getMessage());
            return Optional.empty();
        }
        if (json == null || !json.isObject()) {
            error(ctx, 400, "invalid_json", "the body must be a JSON object");
            return Optional.empty();
        }
        return Optional.of(json);
    }

    /** The request body as text ("" when there is none). */
    public static String text(RoutingContext ctx) {
        String s = ctx.body().asString();
        return s == null ? "" : s;
    }
}
