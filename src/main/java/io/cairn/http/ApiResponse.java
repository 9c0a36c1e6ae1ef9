package io.cairn.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a resource hands back: a status, a body to render as JSON (or none; a {@code String} or {@code byte[]} is sent
 * as it is, typed by a Content-Type header), and extra headers.
 */
public record ApiResponse(int status, Object body, Map<String, String> headers) {
    public static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, body, Map.of());
    }

    public static ApiResponse ok(Object body) {
        return json(200, body);
    }

    public static ApiResponse accepted(Object body) {
        return json(202, body);
    }

    public static ApiResponse empty(int status) {
        return new ApiResponse(status, null, Map.of());
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ApiResponse(status, body, all);
    }

    /** A single-key object, {@code {"name": value}}, the envelope every Cinder body has. */
    public static Map<String, Object> wrap(String name, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(name, value);
        return body;
    }
}
