package io.vigil.http.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vigil.http.Json;
import io.vigil.http.dashboard.DashboardApi;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Vigil's OpenAPI document parsed with swagger-parser, and a checker of real answers against its schemas.
 *
 * <p>The checker implements the part of JSON Schema 2020-12 the document uses, strictly: {@code $ref} to
 * components, {@code anyOf}, {@code type} (one or a list, {@code "null"} included), {@code const}, {@code enum}, {@code required},
 * {@code properties}, {@code additionalProperties} (a schema or false), {@code items}, {@code minimum} and
 * {@code maximum}. A keyword it does not know fails the check, so a schema it cannot verify never passes silently.
 */
public final class OpenApiContract {
    private static final Set<String> KNOWN = Set.of("$ref", "type", "types", "const", "enum", "required", "properties",
            "additionalProperties", "items", "minimum", "maximum", "description", "format", "default", "maxLength",
            "x-event-data", "anyOf");

    private static volatile OpenApiContract bundled;

    private final OpenAPI api;
    private final List<String> messages;

    private OpenApiContract(SwaggerParseResult result) {
        this.api = result.getOpenAPI();
        this.messages = result.getMessages() == null ? List.of() : List.copyOf(result.getMessages());
        if (api == null) throw new AssertionError("the OpenAPI document does not parse: " + messages);
    }

    /** Parses a document (JSON or YAML text). */
    public static OpenApiContract parse(String document) {
        ParseOptions opts = new ParseOptions();
        opts.setResolve(true);
        return new OpenApiContract(new OpenAPIParser().readContents(document, null, opts));
    }

    /** The document the vigil jar serves at /api/v1/openapi.json. */
    public static OpenApiContract bundled() {
        OpenApiContract c = bundled;
        if (c == null) bundled = c = parse(Json.write(DashboardApi.openApiDocument()));
        return c;
    }

    public OpenAPI model() {
        return api;
    }

    /** The parser's errors and warnings; empty for a valid document. */
    public List<String> messages() {
        return messages;
    }

    /** The documented operation for a method and a concrete path ({@code /api/v1/silences/abc}), or null. */
    public Operation operation(String method, String path) {
        PathItem item = pathItem(path);
        if (item == null) return null;
        return item.readOperationsMap().entrySet().stream()
                .filter(e -> e.getKey().name().equalsIgnoreCase(method)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private PathItem pathItem(String path) {
        PathItem exact = api.getPaths().get(path);
        if (exact != null) return exact;
        for (var e : api.getPaths().entrySet()) {
            String regex = Pattern.quote(e.getKey()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex)) return e.getValue();
        }
        return null;
    }

    /**
     * Checks one answer against the document: the path and method are documented, the status is one of the
     * operation's responses, and a JSON body matches its schema.
     *
     * @throws AssertionError listing every violation
     */
    public void check(String method, String path, int status, String contentType, String body) {
        List<String> v = violations(method, path, status, contentType, body);
        if (!v.isEmpty()) throw new AssertionError(method + " " + path + " → " + status + " does not match the OpenAPI document:\n  "
                + String.join("\n  ", v) + "\nbody: " + abbreviate(body));
    }

    public List<String> violations(String method, String path, int status, String contentType, String body) {
        Operation op = operation(method, path);
        if (op == null) return List.of("not documented: " + method + " " + path);
        ApiResponse r = op.getResponses().get(Integer.toString(status));
        if (r == null) r = op.getResponses().get("default");
        if (r == null) return List.of("status " + status + " is not documented (documented: " + op.getResponses().keySet() + ")");
        r = resolve(r);
        if (r.getContent() == null || r.getContent().isEmpty()) {
            return body == null || body.isEmpty() ? List.of() : List.of("a body where the document says none");
        }
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        MediaType media = r.getContent().get(type);
        if (media == null) return List.of("content type " + contentType + " is not documented (documented: " + r.getContent().keySet() + ")");
        if (!type.equals("application/json")) return List.of();
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return List.of("the body is not JSON: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        validate(json, media.getSchema(), "$", out);
        return out;
    }

    /** The violations of {@code value} against a schema of {@code components.schemas}. */
    public List<String> violationsOf(JsonNode value, String componentSchema) {
        List<String> out = new ArrayList<>();
        validate(value, component(componentSchema), "$", out);
        return out;
    }

    private ApiResponse resolve(ApiResponse r) {
        if (r.get$ref() == null) return r;
        String name = r.get$ref().substring(r.get$ref().lastIndexOf('/') + 1);
        return Objects.requireNonNull(api.getComponents().getResponses().get(name), "no response " + r.get$ref());
    }

    private Schema<?> component(String name) {
        Schema<?> s = api.getComponents().getSchemas().get(name);
        if (s == null) throw new AssertionError("no schema components.schemas." + name);
        return s;
    }

    @SuppressWarnings("rawtypes")
    private void validate(JsonNode v, Schema<?> s, String at, List<String> out) {
        if (s == null) return;
        if (s.get$ref() != null) {
            validate(v, component(s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1)), at, out);
            return;
        }
        unknownKeywords(s, at, out);
        if (s.getAnyOf() != null) {
            List<String> why = new ArrayList<>();
            for (Schema<?> branch : s.getAnyOf()) {
                List<String> v2 = new ArrayList<>();
                validate(v, branch, at, v2);
                if (v2.isEmpty()) {
                    why = null;
                    break;
                }
                why.add(v2.getFirst());
            }
            if (why != null) out.add(at + ": matches none of anyOf: " + why);
        }
        Set<String> types = s.getTypes() != null ? s.getTypes() : s.getType() != null ? Set.of(s.getType()) : Set.of();
        if (!types.isEmpty() && types.stream().noneMatch(t -> hasType(v, t))) {
            out.add(at + ": expected " + types + ", got " + kind(v) + " " + abbreviate(v.toString()));
            return;
        }
        if (s.getConst() != null && !same(v, s.getConst())) out.add(at + ": expected the constant " + s.getConst() + ", got " + v);
        if (s.getEnum() != null && !s.getEnum().isEmpty() && s.getEnum().stream().noneMatch(e -> same(v, e))) {
            out.add(at + ": " + v + " is not one of " + s.getEnum());
        }
        if (v.isNumber()) {
            if (s.getMinimum() != null && v.decimalValue().compareTo(s.getMinimum()) < 0) out.add(at + ": " + v + " < minimum " + s.getMinimum());
            if (s.getMaximum() != null && v.decimalValue().compareTo(s.getMaximum()) > 0) out.add(at + ": " + v + " > maximum " + s.getMaximum());
        }
        if (v.isObject()) {
            if (s.getRequired() != null) {
                for (String k : s.getRequired()) if (!v.has(k)) out.add(at + ": required property " + k + " is missing");
            }
            Map<String, Schema> props = s.getProperties() == null ? Map.of() : s.getProperties();
            Object extra = s.getAdditionalProperties();
            for (var it = v.fields(); it.hasNext(); ) {
                var f = it.next();
                Schema<?> p = props.get(f.getKey());
                if (p != null) validate(f.getValue(), p, at + "." + f.getKey(), out);
                else if (Boolean.FALSE.equals(extra)) out.add(at + ": property " + f.getKey() + " is not allowed");
                else if (extra instanceof Schema<?> es) validate(f.getValue(), es, at + "." + f.getKey(), out);
            }
        }
        if (v.isArray() && s.getItems() != null) {
            for (int i = 0; i < v.size(); i++) validate(v.get(i), s.getItems(), at + "[" + i + "]", out);
        }
    }

    /** Keywords this checker does not implement make the check fail instead of passing unchecked. */
    private static void unknownKeywords(Schema<?> s, String at, List<String> out) {
        if (s.getAllOf() != null || s.getOneOf() != null || s.getNot() != null
                || s.getPattern() != null || s.getPrefixItems() != null || s.getMinItems() != null
                || s.getMaxItems() != null || s.getExclusiveMinimumValue() != null || s.getExclusiveMaximumValue() != null) {
            out.add(at + ": the schema uses a keyword OpenApiContract does not check; extend the checker (known: " + KNOWN + ")");
        }
    }

    private static boolean hasType(JsonNode v, String t) {
        return switch (t) {
            case "null" -> v.isNull();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            default -> false;
        };
    }

    private static boolean same(JsonNode v, Object expected) {
        if (expected == null) return v.isNull();
        if (expected instanceof Boolean b) return v.isBoolean() && v.booleanValue() == b;
        if (expected instanceof Number n) return v.isNumber() && v.decimalValue().compareTo(new BigDecimal(n.toString())) == 0;
        return v.isTextual() && v.textValue().equals(expected.toString());
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase();
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 600 ? s.substring(0, 600) + "…" : s;
    }
}
