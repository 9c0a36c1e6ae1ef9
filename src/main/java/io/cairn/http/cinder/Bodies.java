package io.cairn.http.cinder;

import io.cairn.compat.Python;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Small readers for request bodies that a schema has already checked. */
final class Bodies {
    private Bodies() {}

    /** Python's {@code str.strip()}, which Cinder applies to names and descriptions; null when absent. */
    static String strip(String value) {
        return value == null ? null : Python.strip(value);
    }

    /** The first of two alias fields present as a string ({@code name} wins over {@code alias}), or null. */
    static String text(JsonNode body, String name, String alias) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode value = body.has(name) ? body.get(name) : body.get(alias);
        return value != null && value.isString() ? value.asString() : null;
    }

    /** A field's string value; empty when it is absent, null or not a string. */
    static Optional<String> optionalText(JsonNode body, String name) {
        JsonNode value = body.get(name);
        return value != null && value.isString() ? Optional.of(value.asString()) : Optional.empty();
    }

    /** A metadata object (string values, per the schema) as an ordered map; null or absent is empty. */
    static Map<String, String> metadata(JsonNode node) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
        }
        return metadata;
    }
}
