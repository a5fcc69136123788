package io.vigil.server;

import org.jspecify.annotations.Nullable;
import io.vigil.config.VigilConfig;
import java.nio.file.Path;

/**
 * How {@code vigil serve} was started.
 *
 * @param config     the loaded configuration
 * @param configFile the file it came from, re-read on reload when there is no remote config; null with no file
 * @param dataDir    where the embedded H2 store lives
 * @param demo       run the built-in demo source (no config file given)
 */
public record ServerOptions(VigilConfig config, @Nullable Path configFile, Path dataDir, boolean demo) {
}
