package io.cairn.http.cinder;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Small readers for request bodies that a schema has already checked. */
final class Bodies {
    private Bodies() {}

    /** A metadata object (string values, per the schema) as an ordered map; null or absent is empty. */
    static Map<String, String> metadata(JsonNode node) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
        }
        return metadata;
    }
}
