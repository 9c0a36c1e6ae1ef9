package io.cairn.http.schema;

import io.cairn.compat.PythonRepr;
import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The part of JSON Schema (draft 4) that Cinder's request schemas use, reporting the first error in the
 * words of Python's jsonschema, wrapped as Cinder wraps it. Keywords are checked in the order the schema
 * file lists them, as Python checks them in its dict order; schemas live in {@code resources/schemas}.
 */
public final class JsonSchema {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final JsonNode schema;
    private final Map<String, Pattern> patterns = new java.util.concurrent.ConcurrentHashMap<>();

    private JsonSchema(JsonNode schema) {
        this.schema = schema;
    }

    public static JsonSchema load(String name) {
        try (InputStream in = JsonSchema.class.getResourceAsStream("/schemas/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no schema " + name);
            }
            return new JsonSchema(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws Cinder's 400 for the first violation. */
    public void validate(JsonNode instance) {
        Optional<Violation> violation = check(schema, instance, new ArrayDeque<>());
        if (violation.isPresent()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, violation.get().message());
        }
    }

    /** A failed check: where it failed, the value that failed and Python's jsonschema message for it. */
    private record Violation(Deque<String> path, JsonNode instance, String text) {
        /** Cinder's wrapping: the last path element and Python's str() of the value, unless the error is at the top. */
        String message() {
            if (path.isEmpty()) {
                return text;
            }
            return "Invalid input for field/attribute " + path.peekLast() + ". Value: " + PythonRepr.str(instance)
                    + ". " + text;
        }
    }

    private Optional<Violation> check(JsonNode schema, JsonNode instance, Deque<String> path) {
        Iterator<Map.Entry<String, JsonNode>> keywords = schema.properties().iterator();
        while (keywords.hasNext()) {
            Map.Entry<String, JsonNode> keyword = keywords.next();
            Optional<Violation> found = checkKeyword(keyword.getKey(), keyword.getValue(), schema, instance, path);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> checkKeyword(
            String keyword, JsonNode value, JsonNode schema, JsonNode instance, Deque<String> path) {
        String repr = PythonRepr.repr(instance);
        switch (keyword) {
            case "type" -> {
                List<String> types = new ArrayList<>();
                if (value.isArray()) {
                    value.values().forEach(t -> types.add(t.asString()));
                } else {
                    types.add(value.asString());
                }
                if (types.stream().noneMatch(t -> isType(instance, t))) {
                    return fail(
                            path,
                            instance,
                            repr + " is not of type "
                                    + types.stream().map(PythonRepr::repr).collect(Collectors.joining(", ")));
                }
            }
            case "enum" -> {
                for (JsonNode allowed : value.values()) {
                    if (pythonEquals(allowed, instance)) {
                        return Optional.empty();
                    }
                }
                return fail(path, instance, repr + " is not one of " + PythonRepr.repr(value));
            }
            case "properties" -> {
                if (!instance.isObject()) {
                    return Optional.empty();
                }
                Iterator<Map.Entry<String, JsonNode>> properties =
                        value.properties().iterator();
                while (properties.hasNext()) {
                    Map.Entry<String, JsonNode> property = properties.next();
                    if (instance.has(property.getKey())) {
                        Optional<Violation> found =
                                descend(property.getValue(), instance.get(property.getKey()), path, property.getKey());
                        if (found.isPresent()) {
                            return found;
                        }
                    }
                }
            }
            case "patternProperties" -> {
                if (!instance.isObject()) {
                    return Optional.empty();
                }
                Iterator<Map.Entry<String, JsonNode>> properties =
                        value.properties().iterator();
                while (properties.hasNext()) {
                    Map.Entry<String, JsonNode> property = properties.next();
                    for (String name : instance.propertyNames()) {
                        if (pattern(property.getKey()).matcher(name).find()) {
                            Optional<Violation> found = descend(property.getValue(), instance.get(name), path, name);
                            if (found.isPresent()) {
                                return found;
                            }
                        }
                    }
                }
            }
            case "additionalProperties" -> {
                if (instance.isObject() && value.isBoolean() && !value.booleanValue()) {
                    TreeSet<String> extras = new TreeSet<>();
                    for (String name : instance.propertyNames()) {
                        if (!isDeclared(schema, name)) {
                            extras.add(name);
                        }
                    }
                    if (!extras.isEmpty()) {
                        String names = extras.stream().map(PythonRepr::repr).collect(Collectors.joining(", "));
                        return fail(
                                path,
                                instance,
                                "Additional properties are not allowed (" + names
                                        + (extras.size() == 1 ? " was" : " were") + " unexpected)");
                    }
                }
            }
            case "required" -> {
                if (instance.isObject()) {
                    for (JsonNode name : value.values()) {
                        if (!instance.has(name.asString())) {
                            return fail(path, instance, PythonRepr.repr(name.asString()) + " is a required property");
                        }
                    }
                }
            }
            case "minLength" -> {
                if (instance.isString() && length(instance) < value.intValue()) {
                    return fail(path, instance, repr + " is too short");
                }
            }
            case "maxLength" -> {
                if (instance.isString() && length(instance) > value.intValue()) {
                    return fail(path, instance, repr + " is too long");
                }
            }
            case "pattern" -> {
                if (instance.isString()
                        && !pattern(value.asString())
                                .matcher(instance.asString())
                                .find()) {
                    return fail(path, instance, repr + " does not match " + PythonRepr.repr(value.asString()));
                }
            }
            case "format" -> {
                if (instance.isString() && value.asString().equals("uuid") && !isUuidLike(instance.asString())) {
                    return fail(path, instance, repr + " is not a 'uuid'");
                }
                if (instance.isString() && value.asString().equals("base64") && !isBase64(instance.asString())) {
                    return fail(path, instance, repr + " is not a 'base64'");
                }
            }
            case "minimum" -> {
                if (isNumber(instance) && instance.decimalValue().compareTo(value.decimalValue()) < 0) {
                    return fail(path, instance, repr + " is less than the minimum of " + PythonRepr.repr(value));
                }
            }
            case "maximum" -> {
                if (isNumber(instance) && instance.decimalValue().compareTo(value.decimalValue()) > 0) {
                    return fail(path, instance, repr + " is greater than the maximum of " + PythonRepr.repr(value));
                }
            }
            case "minProperties" -> {
                if (instance.isObject() && instance.size() < value.intValue()) {
                    return fail(path, instance, repr + " does not have enough properties");
                }
            }
            case "maxProperties" -> {
                if (instance.isObject() && instance.size() > value.intValue()) {
                    return fail(path, instance, repr + " has too many properties");
                }
            }
            case "anyOf" -> {
                for (JsonNode option : value.values()) {
                    if (check(option, instance, new ArrayDeque<>(path)).isEmpty()) {
                        return Optional.empty();
                    }
                }
                return fail(path, instance, repr + " is not valid under any of the given schemas");
            }
            default -> throw new IllegalStateException("unsupported schema keyword " + keyword);
        }
        return Optional.empty();
    }

    private Optional<Violation> descend(JsonNode schema, JsonNode instance, Deque<String> path, String name) {
        Deque<String> child = new ArrayDeque<>(path);
        child.addLast(name);
        return check(schema, instance, child);
    }

    private static Optional<Violation> fail(Deque<String> path, JsonNode instance, String text) {
        return Optional.of(new Violation(new ArrayDeque<>(path), instance, text));
    }

    private boolean isDeclared(JsonNode schema, String name) {
        if (schema.has("properties") && schema.get("properties").has(name)) {
            return true;
        }
        if (schema.has("patternProperties")) {
            for (String regex : schema.get("patternProperties").propertyNames()) {
                if (pattern(regex).matcher(name).find()) {
                    return true;
                }
            }
        }
        return false;
    }

    private Pattern pattern(String regex) {
        return patterns.computeIfAbsent(regex, Pattern::compile);
    }

    private static int length(JsonNode text) {
        return text.asString().codePointCount(0, text.asString().length());
    }

    private static boolean isNumber(JsonNode node) {
        return node.isNumber();
    }

    private static boolean isType(JsonNode node, String type) {
        return switch (type) {
            case "string" -> node.isString();
            // 1e400 parses as an infinite double, which has no BigDecimal; to Python's jsonschema inf is no integer
            // either.
            case "integer" ->
                node.isIntegralNumber()
                        || (node.isFloatingPointNumber()
                                && Double.isFinite(node.doubleValue())
                                && isWhole(node.decimalValue()));
            case "number" -> node.isNumber();
            case "boolean" -> node.isBoolean();
            case "null" -> node.isNull();
            case "object" -> node.isObject();
            case "array" -> node.isArray();
            default -> throw new IllegalStateException("unknown type " + type);
        };
    }

    private static boolean isWhole(BigDecimal value) {
        return value.stripTrailingZeros().scale() <= 0;
    }

    /** Python equality as enum checks it: True is not 'True', and 1 == 1.0. */
    private static boolean pythonEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    /** oslo's is_uuid_like: a UUID with or without dashes, braces or a urn prefix, in any case. */
    public static boolean isUuidLike(String text) {
        String hex = text.toLowerCase(java.util.Locale.ROOT)
                .replace("urn:", "")
                .replace("uuid:", "")
                .replace("{", "")
                .replace("}", "")
                .replace("-", "");
        if (!hex.matches("[0-9a-f]{32}")) {
            return false;
        }
        try {
            UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Python's {@code base64.b64decode} without validation accepts this much: standard base64, padding optional. */
    private static boolean isBase64(String text) {
        try {
            java.util.Base64.getDecoder().decode(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
