package io.cairn.http.evs;

import io.cairn.domain.CairnException;
import io.cairn.http.Faults;
import io.cairn.http.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** How EVS's request bodies and query values are read: one place for every EVS resource. */
final class EvsBodies {
    /** EVS's limits on a tag: a key of at most 128 characters, a value of at most 255. */
    private static final int MAX_TAG_KEY = 128;

    private static final int MAX_TAG_VALUE = 255;

    private EvsBodies() {}

    /** The body's single envelope object, such as {@code {"snapshot": {...}}}. */
    static JsonNode object(JsonNode body, String envelope) {
        JsonNode inner = body.get(envelope);
        if (inner == null || !inner.isObject()) {
            throw Faults.malformedBody();
        }
        return inner;
    }

    static Optional<String> text(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString()) {
            throw CairnException.invalidInput(name + " must be a string.");
        }
        return Optional.of(value.asString());
    }

    /** Present in the body (possibly as null)? Then its value, empty for null. */
    static Optional<Optional<String>> field(JsonNode body, String name) {
        return body.has(name) ? Optional.of(text(body, name)) : Optional.empty();
    }

    /** A boolean field, refused when present as anything else. */
    static Optional<Boolean> bool(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw CairnException.invalidInput(name + " must be a boolean.");
        }
        return Optional.of(value.asBoolean());
    }

    /** An array of strings, empty when absent. */
    static List<String> strings(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw CairnException.invalidInput(name + " must be a list of strings.");
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isString()) {
                throw CairnException.invalidInput(name + " must be a list of strings.");
            }
            strings.add(item.asString());
        }
        return strings;
    }

    /** Metadata as given (string values), including system keys such as {@code __system__enableActive}. */
    static Map<String, String> metadata(JsonNode node) {
        return stringMap(node, "metadata");
    }

    /** Tags given as an object of key to value, as a create takes them. */
    static Map<String, String> tagMap(JsonNode node) {
        Map<String, String> tags = stringMap(node, "tags");
        tags.forEach(EvsBodies::checkTag);
        return tags;
    }

    /** Tags given as {@code [{"key": ..., "value": ...}]}, as the tags calls take them; a value may be left out. */
    static Map<String, String> tagList(JsonNode body) {
        JsonNode list = body.get("tags");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw CairnException.invalidInput("tags must be a non-empty list of {\"key\", \"value\"} objects.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode tag : list) {
            if (!tag.isObject()) {
                throw CairnException.invalidInput("tags must be a non-empty list of {\"key\", \"value\"} objects.");
            }
            String key = text(tag, "key").orElseThrow(() -> CairnException.invalidInput("a tag needs a key."));
            String value = text(tag, "value").orElse("");
            checkTag(key, value);
            tags.put(key, value);
        }
        return tags;
    }

    /** The {@code tags} query value, a JSON object such as {@code {"key1":"value1"}}; empty when absent. */
    static Map<String, String> tagFilter(List<Map.Entry<String, String>> query) {
        Map<String, String> filter = new LinkedHashMap<>();
        for (Map.Entry<String, String> parameter : query) {
            if (!parameter.getKey().equals("tags")) {
                continue;
            }
            try {
                filter.putAll(stringMap(Json.MAPPER.readTree(parameter.getValue()), "tags"));
            } catch (JacksonException e) {
                throw CairnException.badRequest("tags must be a JSON object of keys to values, such as {\"k\":\"v\"}.");
            }
        }
        return filter;
    }

    private static Map<String, String> stringMap(JsonNode node, String name) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw CairnException.invalidInput(name + " must be an object.");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isString()) {
                throw CairnException.invalidInput(name + " values must be strings.");
            }
            map.put(entry.getKey(), entry.getValue().asString());
        }
        return map;
    }

    private static void checkTag(String key, String value) {
        if (key.isEmpty() || key.codePointCount(0, key.length()) > MAX_TAG_KEY) {
            throw CairnException.invalidInput("a tag key must have 1 to " + MAX_TAG_KEY + " characters.");
        }
        if (value.codePointCount(0, value.length()) > MAX_TAG_VALUE) {
            throw CairnException.invalidInput("a tag value must have at most " + MAX_TAG_VALUE + " characters.");
        }
    }
}
