package io.vigil.config;

import org.jspecify.annotations.Nullable;
import io.vigil.secret.Secrets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Fetches the configuration from a remote endpoint in the shape of ONAP's config binding service:
 * {@code GET url} answers the configuration JSON (ONAP's, or Vigil's keys), either the object itself or
 * wrapped as {@code {"config": {...}}}; it is parsed and validated by {@link ConfigLoader}.
 *
 * <p>Uses the JDK {@link HttpClient} and <b>blocks</b> the calling thread for at most about twice the
 * timeout (connect, then response): call it from a worker thread (e.g. Vert.x {@code executeBlocking}),
 * never from an event loop. Why the JDK client: a config fetch is rare, small and off the hot path, and a
 * blocking call keeps the reload code (fetch, validate, diff, apply) a straight line. HTTP/1.1 only: a config
 * binding service or proxy that mishandles an h2c upgrade must not break reloads. Thread-safe; create one
 * and reuse it (each instance owns an {@link HttpClient} and its selector thread).
 */
public final class RemoteConfig {
    /** Environment variable naming the remote config URL. */
    public static final String ENV_URL = "VIGIL_CONFIG_URL";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client;
    private final Duration timeout;

    public RemoteConfig() {
        this(DEFAULT_TIMEOUT);
    }

    public RemoteConfig(Duration timeout) {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build(), timeout);
    }

    public RemoteConfig(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * Fetches and validates the configuration at {@code url}.
     *
     * @throws RemoteConfigException when it cannot be fetched (the message says why)
     * @throws ConfigException       when it was fetched but is invalid (every error, origin = the URL)
     */
    public VigilConfig fetch(String url) throws RemoteConfigException, ConfigException {
        String shown = Secrets.redactUrl(url); // what messages say: the URL without its credentials
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5").GET().build();
        } catch (IllegalArgumentException e) {
            throw new RemoteConfigException("remote config URL \"" + shown + "\" is not a valid http(s) URL: " + e.getMessage(), e);
        }
        BoundedAnswer response;
        try {
            HttpResponse<java.io.InputStream> streamed = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            response = withBoundedBody(streamed);
        } catch (HttpTimeoutException e) {
            throw new RemoteConfigException("remote config " + shown + ": no answer within " + DurationSyntax.format(timeout), e);
        } catch (ConnectException e) {
            throw new RemoteConfigException("remote config " + shown + ": cannot connect (" + describe(e) + ")", e);
        } catch (IOException e) {
            throw new RemoteConfigException("remote config " + shown + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteConfigException("remote config " + shown + ": interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            if (body.length() > 200) body = body.substring(0, 200) + "…";
            throw new RemoteConfigException("remote config " + shown + ": HTTP " + status
                    + (body.isEmpty() ? "" : " " + body), null);
        }
        return ConfigLoader.parse(response.body(), shown);
    }

    /** The answer with its body read as text, at most {@link ConfigLoader#MAX_BYTES} of it. */
    private static BoundedAnswer withBoundedBody(HttpResponse<java.io.InputStream> streamed) throws IOException {
        byte[] bytes;
        try (java.io.InputStream in = streamed.body()) {
            bytes = in.readNBytes(ConfigLoader.MAX_BYTES + 1);
        }
        if (bytes.length > ConfigLoader.MAX_BYTES) {
            throw new IOException("the answer is larger than " + ConfigLoader.MAX_BYTES + " bytes, the most a "
                    + "configuration may have");
        }
        String body = new String(bytes, StandardCharsets.UTF_8);
        return new BoundedAnswer(streamed.statusCode(), body);
    }

    /** What {@link #fetch} needs of an answer. */
    private record BoundedAnswer(int statusCode, String body) {
    }

    /**
     * The remote config URL from the environment, or null: {@value #ENV_URL}, else ONAP's convention
     * {@code http://$CONFIG_BINDING_SERVICE:$CONFIG_BINDING_SERVICE_SERVICE_PORT/service_component/$HOSTNAME}
     * (port 10000 when unset) when {@code CONFIG_BINDING_SERVICE} is set.
     */
    public static @Nullable String urlFromEnvironment(Map<String, String> env) {
        String url = env.get(ENV_URL);
        if (url != null && !url.isBlank()) return url.strip();
        String cbs = env.get("CONFIG_BINDING_SERVICE");
        String component = env.get("HOSTNAME");
        if (cbs == null || cbs.isBlank() || component == null || component.isBlank()) return null;
        String port = env.getOrDefault("CONFIG_BINDING_SERVICE_SERVICE_PORT", "10000");
        return "http://" + cbs.strip() + ":" + port.strip() + "/service_component/" + component.strip();
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
