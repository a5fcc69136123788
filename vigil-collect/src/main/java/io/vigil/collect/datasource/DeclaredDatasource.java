package io.vigil.collect.datasource;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Entities declared in the configuration, each checked by its own check or the datasource's default one
 * (types inventory, tcp, http, and command without a discovery command). Thread-safe.
 */
public final class DeclaredDatasource implements Datasource {
    private final DatasourceSpec spec;
    private final CheckRunner checks;

    public DeclaredDatasource(DatasourceSpec spec, CheckRunner checks) {
        this.spec = spec;
        this.checks = checks;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public CompletionStage<List<Entity>> collect() {
        return checks.checkAll(spec.entities(), spec.check(), spec.name()).toCompletionStage();
    }
}
