package io.cairn.http.cinder;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Small readers for request bodies that a schema has already checked. */
final class Bodies {
    private Bodies() {}

    /**
     * Python's {@code str.strip()}, which Cinder applies to names and descriptions: unlike Java's
     * {@code String.strip()} it also removes no-break spaces and U+0085.
     */
    static String strip(String value) {
        if (value == null) {
            return null;
        }
        int start = 0;
        int end = value.length();
        while (start < end && isPythonSpace(value.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** The first of two alias fields present as a string ({@code name} wins over {@code alias}), or null. */
    static String text(JsonNode body, String name, String alias) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode value = body.has(name) ? body.get(name) : body.get(alias);
        return value != null && value.isString() ? value.asString() : null;
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
