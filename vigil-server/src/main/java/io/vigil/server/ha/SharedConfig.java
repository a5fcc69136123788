package io.vigil.server.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigJson;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import io.vigil.http.Json;
import io.vigil.store.config.ConfigDocument;
import io.vigil.store.config.ConfigRepository;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration every HA instance runs, shared through the store (document {@value #NAME} of
 * {@link ConfigRepository}, with a version). Rules:
 * <ul>
 *   <li>What is shared: monitors, ingest, publish, detection and the pull side. What stays per instance: {@code http},
 *       {@code store}, {@code ha} and {@code config.remote} (so no instance learns another's port, id or
 *       credentials).</li>
 *   <li>Who writes: a successful reload on any instance, and an instance that starts with a shared part different
 *       from the stored one (last started or reloaded wins; with identical files nothing changes).</li>
 *   <li>Who reads: every instance polls the version ({@link #poll}, about every second) and applies a newer document
 *       through the normal reload path (state RECONFIGURATION while it applies; an invalid document is rejected and
 *       logged, the running configuration stays).</li>
 * </ul>
 * Thread-safe.
 */
public final class SharedConfig {
    private static final Logger log = LoggerFactory.getLogger(SharedConfig.class);
    /** The document's name in the {@code config} table. */
    public static final String NAME = "running";
    private static final Set<String> PER_INSTANCE = Set.of("http", "store", "ha", "config", "peers");

    private final ConfigRepository repo;
    private final Consumer<VigilConfig> apply;
    private volatile long seenVersion;

    /** @param apply applies a configuration that came from another instance (must not publish it again) */
    public SharedConfig(ConfigRepository repo, Consumer<VigilConfig> apply) {
        this.repo = repo;
        this.apply = apply;
    }

    /** At start: publishes {@code local}'s shared part unless the store already holds the same. */
    public void startup(VigilConfig local) {
        Optional<ConfigDocument> doc = repo.load(NAME);
        ObjectNode mine = sharedPart(local);
        if (doc.isPresent() && readTree(doc.get().content()).equals(mine)) {
            seenVersion = doc.get().version();
            log.info("HA: the shared configuration (version {}) matches this instance's", seenVersion);
            return;
        }
        seenVersion = repo.save(NAME, Json.write(mine));
        log.info("HA: published this instance's configuration as shared version {}{}", seenVersion,
                doc.isPresent() ? " (it differed from the stored one; the other instances apply it)" : "");
    }

    /** After a successful local reload: every other instance applies {@code running} within a poll. */
    public synchronized void publish(VigilConfig running) {
        try {
            seenVersion = repo.save(NAME, Json.write(sharedPart(running)));
            log.info("HA: published the reloaded configuration as shared version {}", seenVersion);
        } catch (RuntimeException e) {
            log.error("HA: the reloaded configuration could not be shared ({}); the other instances keep theirs. "
                    + "Reload again when the store is back", e.getMessage());
        }
    }

    /** Applies a newer shared document, merged with {@code local}'s per-instance sections. Store errors are logged. */
    public synchronized void poll(Supplier<VigilConfig> local) {
        Optional<ConfigDocument> doc;
        try {
            doc = repo.load(NAME);
        } catch (RuntimeException e) {
            log.debug("HA: reading the shared configuration failed (retried): {}", e.getMessage());
            return;
        }
        if (doc.isEmpty() || doc.get().version() <= seenVersion) return;
        seenVersion = doc.get().version();
        VigilConfig current = local.get();
        JsonNode shared = readTree(doc.get().content());
        if (shared.equals(sharedPart(current))) return;
        ObjectNode merged = ((ObjectNode) shared).deepCopy();
        ObjectNode own = ConfigJson.toTree(current, true);
        for (String key : PER_INSTANCE) {
            merged.remove(key);
            if (own.has(key)) merged.set(key, own.get(key));
        }
        try {
            VigilConfig next = ConfigLoader.parse(Json.write(merged), "shared configuration version " + seenVersion);
            log.info("HA: applying shared configuration version {} (reloaded on another instance)", seenVersion);
            apply.accept(next);
        } catch (ConfigException e) {
            log.error("HA: shared configuration version {} is invalid here, the running one stays: {}", seenVersion, e.getMessage());
        }
    }

    public long seenVersion() {
        return seenVersion;
    }

    static ObjectNode sharedPart(VigilConfig c) {
        ObjectNode tree = ConfigJson.toTree(c, true);
        PER_INSTANCE.forEach(tree::remove);
        return tree;
    }

    private static JsonNode readTree(String content) {
        try {
            return Json.MAPPER.readTree(content);
        } catch (Exception e) {
            return Json.object();
        }
    }
}
