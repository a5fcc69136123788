package io.vigil.config;

import org.jspecify.annotations.Nullable;
import java.time.Duration;

/**
 * Remote configuration (ONAP config binding service shape). YAML {@code config.remote};
 * ONAP {@code CBS_polling_allowed} + {@code CBS_polling_interval}.
 *
 * @param url          where {@code GET} returns the configuration, or null (it may also come from the
 *                     command line or the environment, see {@link RemoteConfig#urlFromEnvironment})
 * @param pollInterval how often to poll, or null for "fetch on demand only" (reload API, SIGHUP)
 */
public record RemoteSettings(@Nullable String url, @Nullable Duration pollInterval) {
    public static final RemoteSettings NONE = new RemoteSettings(null, null);

    /** True when a URL is known, so a fetch is possible. */
    public boolean enabled() {
        return url != null;
    }

    public RemoteSettings withUrl(String newUrl) {
        return new RemoteSettings(newUrl, pollInterval);
    }
}
