package io.vigil.json;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Vigil's one JSON mapper set-up: the REST API and its CLI clients, the configuration (JSON and YAML), the pull side's
 * RPC bodies and journal, the benchmarks. Reading is strict, as for VES ingest ({@code VesParser}): one document with
 * nothing after it, no key twice in an object. Writing serializes records by their components and an empty object
 * as {@code {}}.
 *
 * <p>A mapper that needs its own stream limits (the config loader's) is built with {@link #configure} on its own
 * factory, so the features stay the same. The streaming parsers on the hot paths (VES, control-loop events, DMaaP
 * batches, peer frames) use a bare {@code JsonFactory} of their own, and the peer library (which depends on no other
 * Vigil module) keeps its own binding mapper. {@link ObjectMapper} is thread-safe once configured.
 */
public final class JsonMappers {
    /** The shared mapper; never reconfigure it. */
    public static final ObjectMapper MAPPER = configure(JsonMapper.builder()).build();

    private JsonMappers() {
    }

    /** Applies Vigil's features to {@code builder} (a JSON or YAML mapper builder) and returns it. */
    public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        return builder.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
}
