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
            Datasource d = s.type() == DatasourceSpec.Type.EC2 ? new Ec2Datasource(s.name(), s.ec2(), clock)
                    : s.command() != null ? new DiscoveryDatasource(s, checks) : new DeclaredDatasource(s, checks);
            java.time.Duration ttl = s.cacheTtl() != null ? s.cacheTtl()
                    : s.type() == DatasourceSpec.Type.EC2 ? Ec2Settings.DEFAULT_CACHE : null;
            if (ttl != null && !ttl.isZero()) d = new CachedDatasource(d, ttl, clock);
            out.put(s.name(), d);
        }
        return out;
    }
}
