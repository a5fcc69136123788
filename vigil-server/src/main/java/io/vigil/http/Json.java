package io.vigil.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * JSON helpers of the HTTP API and the CLI clients, on Vigil's one mapper ({@link io.vigil.json.JsonMappers}). Reading is strict, as for VES ingest
 * ({@code VesParser}): one document with nothing after it, no key twice in an object.
 */
public final class Json {
    public static final ObjectMapper MAPPER = io.vigil.json.JsonMappers.MAPPER;

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code {"error": message, "code": code}}: every error body of the API has this shape. */
    public static ErrorBody error(String code, String message) {
        return new ErrorBody(message, code);
    }

    /** The API's error shape; an answer that says more adds its fields after these two (a record of its own). */
    public record ErrorBody(String error, String code) {
    }
}
