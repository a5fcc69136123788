package io.vigil.server.peers;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import io.vigil.http.Answer;
import io.vigil.http.ApiRoutes;
import io.vigil.http.RouteTable;
import io.vigil.peer.Command;
import io.vigil.peer.LeadershipStatus;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The peer endpoints' HTTP face (docs/peer.md, "Peers inside vigil serve"):
 * <ul>
 *   <li>{@code GET /api/v1/peers}: every endpoint, its state and the peers it knows;</li>
 *   <li>{@code POST /api/v1/peers/leadership} {@code {"leadershipStatus":"LEADER","endpoint":"name"}}: the leadership
 *       this node claims on its TCP endpoints (all of them without {@code endpoint}); admin;</li>
 *   <li>{@code POST /api/v1/peers/{name}/command}: one adapter command in its JSON form, e.g.
 *       {@code {"command":"resume"}}; admin.</li>
 * </ul>
 */
public final class PeersApi implements ApiRoutes {

    /** What the API needs from the running endpoints. */
    public interface Backend {
        PeerBodies.Endpoints view();

        /**
         * @return the names of the endpoints it was applied to
         * @throws IllegalArgumentException unknown endpoint, a multicast one, or no TCP endpoint at all
         */
        List<String> setLeadership(LeadershipStatus status, String endpoint);

        /** @throws IllegalArgumentException unknown endpoint; the future fails when the adapter rejects the command */
        CompletableFuture<Void> command(String endpoint, Command command);
    }

    private final Backend backend;

    public PeersApi(Backend backend) {
        this.backend = backend;
    }

    @Override
    public void declare(RouteTable routes) {
        routes.get("/api/v1/peers", ctx -> Answer.json(ctx, 200, backend.view()))
                .post("/api/v1/peers/leadership", this::leadership)
                .post("/api/v1/peers/:name/command", this::command);
    }

    private void leadership(RoutingContext ctx) {
        var body = Answer.jsonObject(ctx);
        if (body.isEmpty()) return;
        JsonNode b = body.get();
        for (var it = b.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("leadershipStatus") && !k.equals("endpoint")) {
                Answer.error(ctx, 400, "bad_request", "unknown field \"" + k + "\"; expected leadershipStatus and optionally endpoint");
                return;
            }
        }
        String text = b.path("leadershipStatus").asText("");
        LeadershipStatus status;
        try {
            status = LeadershipStatus.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 400, "bad_request", "leadershipStatus must be LEADER or NON_LEADER (got \"" + text + "\")");
            return;
        }
        String endpoint = b.hasNonNull("endpoint") ? b.get("endpoint").asText() : null;
        ctx.vertx().executeBlocking(() -> backend.setLeadership(status, endpoint), false).onComplete(ar -> {
            if (ar.failed()) {
                Throwable cause = ar.cause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : ar.cause();
                Answer.error(ctx, cause instanceof IllegalArgumentException ? 400 : 409,
                        cause instanceof IllegalArgumentException ? "bad_request" : "rejected", cause.getMessage());
                return;
            }
            Answer.json(ctx, 200, new PeerBodies.LeadershipSet(status.name(), List.copyOf(ar.result())));
        });
    }

    private void command(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Command command;
        try {
            command = Command.fromJson(Answer.text(ctx));
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 400, "bad_request", e.getMessage());
            return;
        }
        CompletableFuture<Void> applied;
        try {
            applied = backend.command(name, command);
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 404, "not_found", e.getMessage());
            return;
        }
        applied.whenComplete((v, e) -> {
            if (e == null) {
                Answer.json(ctx, 200, new PeerBodies.CommandApplied(name, command.command().jsonName(), true));
            } else {
                Throwable cause = e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
                Answer.error(ctx, 409, "rejected", cause.getMessage());
            }
        });
    }
}
