package io.vigil.http.auth;

import io.vigil.access.ApiAccess;
import io.vigil.access.ApiToken;
import io.vigil.access.Role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.secret.BasicAuth;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every role decision of {@link AccessPolicy}, without sockets. */
class AccessPolicyTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetAddress REMOTE = address("10.1.2.3");
    private static final List<ApiToken> TOKENS = List.of(
            ApiToken.of("sender", Role.INGEST, "ingest-secret"),
            ApiToken.of("grafana", Role.READ, "read-secret"),
            ApiToken.of("ops", Role.ADMIN, "sha256:" + HexFormat.of().formatHex(ApiToken.digest("admin-secret"))));
    private static final AccessPolicy NO_TOKENS = AccessPolicy.of(null, ApiAccess.defaults());
    private static final AccessPolicy WITH_TOKENS = AccessPolicy.of(null, new ApiAccess(TOKENS, true));

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String bearer(String t) {
        return "Bearer " + t;
    }

    private static int status(AccessPolicy p, String method, String path, String auth, InetAddress from) {
        return switch (p.decide(method, path, auth, from)) {
            case Decision.Allow a -> 200;
            case Decision.Deny d -> d.status();
        };
    }

    @Test
    void endpointsNeedTheDocumentedRole() {
        assertThat(AccessPolicy.required("GET", "/healthz")).isNull();
        assertThat(AccessPolicy.required("GET", "/readyz")).isNull();
        assertThat(AccessPolicy.required("GET", "/ui/index.html")).isNull();
        assertThat(AccessPolicy.required("POST", "/eventListener/v7")).isEqualTo(Role.INGEST);
        assertThat(AccessPolicy.required("POST", "/eventListener/v7/eventBatch")).isEqualTo(Role.INGEST);
        assertThat(AccessPolicy.required("GET", "/api/v1/status")).isEqualTo(Role.READ);
        assertThat(AccessPolicy.required("GET", "/metrics")).isEqualTo(Role.READ);
        assertThat(AccessPolicy.required("POST", "/rpc/get_all")).isEqualTo(Role.READ);
        for (String p : List.of("/api/v1/silences", "/api/v1/dependencies", "/api/v1/config/reload", "/api/v1/command",
                "/api/v1/actions/delayed", "/api/v1/actions/plans")) {
            assertThat(AccessPolicy.required("POST", p)).as(p).isEqualTo(Role.ADMIN);
        }
        assertThat(AccessPolicy.required("DELETE", "/api/v1/silences/x")).isEqualTo(Role.ADMIN);
    }

    @Test
    void withoutTokensReadsAndIngestAreOpenAndMutationsServeLoopbackOnly() {
        assertThat(status(NO_TOKENS, "GET", "/api/v1/status", null, REMOTE)).isEqualTo(200);
        assertThat(status(NO_TOKENS, "POST", "/eventListener/v7", null, REMOTE)).isEqualTo(200);
        assertThat(status(NO_TOKENS, "POST", "/api/v1/silences", null, LOOPBACK)).isEqualTo(200);
        assertThat(status(NO_TOKENS, "POST", "/api/v1/silences", null, address("127.9.9.9"))).isEqualTo(200);
        assertThat(status(NO_TOKENS, "POST", "/api/v1/silences", null, address("::1"))).isEqualTo(200);
        var d = (Decision.Deny) NO_TOKENS.decide("POST", "/api/v1/silences", null, REMOTE);
        assertThat(d.status()).isEqualTo(403);
        assertThat(d.message()).contains("http.auth.tokens");
        assertThat(status(NO_TOKENS, "POST", "/api/v1/config/reload", null, null)).isEqualTo(403);
    }

    @Test
    void trustLoopbackFalseRefusesMutationsFromLoopbackToo() {
        AccessPolicy p = AccessPolicy.of(null, new ApiAccess(List.of(), false));
        assertThat(status(p, "POST", "/api/v1/silences", null, LOOPBACK)).isEqualTo(403);
        assertThat(status(p, "GET", "/api/v1/silences", null, LOOPBACK)).isEqualTo(200);
    }

    @Test
    void healthStaysOpenWithTokens() {
        assertThat(status(WITH_TOKENS, "GET", "/healthz", null, REMOTE)).isEqualTo(200);
        assertThat(status(WITH_TOKENS, "GET", "/readyz", "Bearer nonsense", REMOTE)).isEqualTo(200);
    }

    @Test
    void withTokensMissingOrWrongCredentialsAre401FromLoopbackToo() {
        assertThat(status(WITH_TOKENS, "GET", "/api/v1/status", null, LOOPBACK)).isEqualTo(401);
        assertThat(status(WITH_TOKENS, "POST", "/api/v1/silences", null, LOOPBACK)).isEqualTo(401);
        assertThat(status(WITH_TOKENS, "POST", "/eventListener/v7", null, LOOPBACK)).isEqualTo(401);
        assertThat(status(WITH_TOKENS, "GET", "/metrics", bearer("wrong"), LOOPBACK)).isEqualTo(401);
        assertThat(status(WITH_TOKENS, "GET", "/metrics", "Basic dTpw", LOOPBACK)).isEqualTo(401);
        assertThat(status(WITH_TOKENS, "GET", "/metrics", "Bearer ", LOOPBACK)).isEqualTo(401);
        var d = (Decision.Deny) WITH_TOKENS.decide("GET", "/metrics", null, REMOTE);
        assertThat(d.challenge()).startsWith("Bearer");
    }

    @Test
    void eachRoleGrantsItsEndpointsAndAdminGrantsAll() {
        assertThat(status(WITH_TOKENS, "POST", "/eventListener/v7", bearer("ingest-secret"), REMOTE)).isEqualTo(200);
        assertThat(status(WITH_TOKENS, "GET", "/api/v1/status", bearer("ingest-secret"), REMOTE)).isEqualTo(403);
        assertThat(status(WITH_TOKENS, "GET", "/api/v1/status", bearer("read-secret"), REMOTE)).isEqualTo(200);
        assertThat(status(WITH_TOKENS, "GET", "/metrics", bearer("read-secret"), REMOTE)).isEqualTo(200);
        assertThat(status(WITH_TOKENS, "POST", "/eventListener/v7", bearer("read-secret"), REMOTE)).isEqualTo(403);
        assertThat(status(WITH_TOKENS, "POST", "/api/v1/silences", bearer("read-secret"), REMOTE)).isEqualTo(403);
        assertThat(status(WITH_TOKENS, "POST", "/api/v1/silences", bearer("admin-secret"), REMOTE)).isEqualTo(200);
        assertThat(status(WITH_TOKENS, "GET", "/api/v1/status", bearer("admin-secret"), REMOTE)).isEqualTo(200);
        assertThat(status(WITH_TOKENS, "POST", "/eventListener/v7", bearer("admin-secret"), REMOTE)).isEqualTo(200);
        var d = (Decision.Deny) WITH_TOKENS.decide("POST", "/api/v1/silences", bearer("read-secret"), REMOTE);
        assertThat(d.message()).contains("grafana", "read").endsWith("POST /api/v1/silences needs role admin");
        var toRead = (Decision.Deny) WITH_TOKENS.decide("GET", "/api/v1/status", bearer("ingest-secret"), REMOTE);
        assertThat(toRead.message()).endsWith("GET /api/v1/status needs role read (or admin)");
        assertThat(d.who()).isEqualTo("grafana");
        assertThat(((Decision.Allow) WITH_TOKENS.decide("POST", "/api/v1/silences", "bearer admin-secret", REMOTE)).who())
                .isEqualTo("ops");
    }

    @Test
    void basicCredentialsKeepWorkingForIngestOnly() {
        BasicAuth basic = new BasicAuth("ves", "pw");
        String good = "Basic " + Base64.getEncoder().encodeToString("ves:pw".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("ves:nope".getBytes(StandardCharsets.UTF_8));
        for (AccessPolicy p : List.of(AccessPolicy.of(basic, ApiAccess.defaults()), AccessPolicy.of(basic, new ApiAccess(TOKENS, true)))) {
            assertThat(status(p, "POST", "/eventListener/v7", good, REMOTE)).isEqualTo(200);
            assertThat(status(p, "POST", "/eventListener/v7", bad, REMOTE)).isEqualTo(401);
            assertThat(status(p, "POST", "/eventListener/v7", "Basic %%%", REMOTE)).isEqualTo(401);
            assertThat(status(p, "POST", "/eventListener/v7", null, REMOTE)).isEqualTo(401);
            assertThat(status(p, "POST", "/api/v1/silences", good, LOOPBACK)).isEqualTo(401);
        }
        assertThat(((Decision.Deny) AccessPolicy.of(basic, ApiAccess.defaults()).decide("POST", "/eventListener/v7", null, REMOTE))
                .challenge()).startsWith("Basic");
    }

    @Test
    void tokenSpecsAreCheckedAndNeverShown() {
        assertThatThrownBy(() -> ApiToken.of("x", Role.READ, "sha256:abc")).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> ApiToken.of("x", Role.READ, " ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ApiToken.of("x", Role.READ, "a b")).hasMessageContaining("spaces");
        ApiToken t = ApiToken.of("x", Role.READ, "s3cret");
        assertThat(t.toString()).doesNotContain("s3cret");
        assertThat(ApiToken.of("x", Role.READ, t.digestSpec())).isEqualTo(t);
        assertThat(Role.ADMIN.grants(Role.INGEST)).isTrue();
        assertThat(Role.READ.grants(Role.INGEST)).isFalse();
        assertThat(Role.INGEST.grants(Role.READ)).isFalse();
    }
}
