package io.cairn.domain;

import java.util.Map;

/** A group type with its specs, which keep the order in which they were first set. */
public record GroupType(String id, String name, String description, boolean isPublic, Map<String, String> specs) {
    public GroupType {
        specs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(specs));
    }
}
