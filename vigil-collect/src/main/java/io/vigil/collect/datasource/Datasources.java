package io.vigil.collect.datasource;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds datasources from their specs. */
public final class Datasources {
    private Datasources() {
    }

    /** One datasource per spec, by name, in config order; cached ones wrapped in {@link CachedDatasource}. */
    public static Map<String, Datasource> build(List<DatasourceSpec> specs, CheckRunner checks, Clock clock) {
        Map<String, Datasource> out = new LinkedHashMap<>();
        for (DatasourceSpec s : specs) {
            Datasource d = s.command() != null ? new DiscoveryDatasource(s, checks) : new DeclaredDatasource(s, checks);
            if (s.cacheTtl() != null && !s.cacheTtl().isZero()) d = new CachedDatasource(d, s.cacheTtl(), clock);
            out.put(s.name(), d);
        }
        return out;
    }
}
