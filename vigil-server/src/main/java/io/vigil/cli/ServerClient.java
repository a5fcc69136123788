package io.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options and calls shared by the client subcommands ({@code status}, {@code sources}, ...). */
public final class ServerClient {
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    @Option(names = {"-s", "--server"}, paramLabel = "URL",
            description = "Vigil server (default: env VIGIL_SERVER, else " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--json", description = "print the server's JSON answer")
    boolean json;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "bearer token sent as Authorization: Bearer (default: env VIGIL_TOKEN); see http.auth.tokens")
    String token;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "trust the CA certificate(s) in this PEM file for an https:// server (default: env VIGIL_CACERT, else the JDK's CAs)")
    Path cacert;

    /** The bearer token to send, or null. */
    public String token() {
        String t = token != null ? token : System.getenv("VIGIL_TOKEN");
        return t == null || t.isBlank() ? null : t.trim();
    }

    /** The PEM file of CAs to trust, or null for the JDK's defaults. */
    public Path cacert() {
        if (cacert != null) return cacert;
        String env = System.getenv("VIGIL_CACERT");
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    /** Adds the {@code Authorization} header when a token is set. */
    public HttpRequest.Builder authorize(HttpRequest.Builder b) {
        String t = token();
        return t == null ? b : b.header("Authorization", "Bearer " + t);
    }

    /**
     * A JDK HTTP client that trusts {@link #cacert()} when set; close it after use.
     *
     * @throws CallFailed when the CA file cannot be read
     */
    public HttpClient newHttpClient() throws CallFailed {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        Path ca = cacert();
        if (ca != null) b.sslContext(trusting(ca));
        return b.build();
    }

    /** An SSL context that trusts exactly the certificates of a PEM file. */
    static SSLContext trusting(Path pem) throws CallFailed {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, c);
            if (i == 0) throw new CallFailed("--cacert " + pem + ": no PEM certificate in the file");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new CallFailed("--cacert " + pem + ": cannot read the CA certificates (" + e.getMessage() + ")");
        }
    }

    public String base() {
        String s = server != null ? server : System.getenv().getOrDefault("VIGIL_SERVER", DEFAULT_SERVER);
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A failed call, with the message to print; exit code 1. */
    public static final class CallFailed extends Exception {
        CallFailed(String message) {
            super(message);
        }
    }

    public JsonNode get(String pathAndQuery) throws CallFailed {
        return call(authorize(HttpRequest.newBuilder(URI.create(base() + pathAndQuery))).GET());
    }

    public JsonNode post(String path) throws CallFailed {
        return call(authorize(HttpRequest.newBuilder(URI.create(base() + path))).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode call(HttpRequest.Builder b) throws CallFailed {
        HttpRequest req = b.timeout(Duration.ofSeconds(30)).build();
        try (HttpClient c = newHttpClient()) {
            HttpResponse<String> r = c.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isBlank() ? Json.object() : Json.MAPPER.readTree(r.body());
            if (r.statusCode() >= 400) {
                throw new CallFailed("server answered " + r.statusCode() + ": " + (body.has("error") ? body.get("error").asText() : r.body())
                        + hint(r.statusCode()));
            }
            return body;
        } catch (ConnectException e) {
            throw new CallFailed("cannot reach Vigil at " + base() + " (is it running? set --server or VIGIL_SERVER)");
        } catch (IOException e) {
            throw new CallFailed("call to " + req.uri() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed("interrupted");
        }
    }

    /** What to do about a 401 or 403. */
    static String hint(int status) {
        return switch (status) {
            case 401 -> " (pass a token with --token or VIGIL_TOKEN)";
            case 403 -> " (this needs a token with a larger role, or a call from the server's own host)";
            default -> "";
        };
    }

    public boolean json() {
        return json;
    }
}
