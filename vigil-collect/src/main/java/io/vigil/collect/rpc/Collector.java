package io.vigil.collect.rpc;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** A collector as the engine calls it: in-process ({@link CollectorService}) or remote ({@link HttpCollector}). */
public interface Collector {
    /** A name for logs and the status API (the URL of a remote one). */
    String id();

    CompletionStage<RpcResult> getAll(List<String> datasources);

    CompletionStage<RpcResult> getChanges(List<String> datasources);
}
