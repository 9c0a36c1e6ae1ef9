package io.cairn.http;

import java.util.function.Function;

/**
 * What an authenticator may read of a request. Token modes need only the headers (noauth also the URL it
 * points a token-less client at); a request signature (AK/SK) covers the method, the path and query exactly
 * as sent, and the body.
 *
 * @param baseUrl scheme, host and port as the client addressed the server
 * @param rawPath the path as sent, still percent-encoded
 * @param rawQuery the query string as sent (without '?'), or null when there is none
 */
public record AuthRequest(
        String method, String baseUrl, String rawPath, String rawQuery, Function<String, String> headers, byte[] body) {
    public String header(String name) {
        return headers.apply(name);
    }

    /** The whole URL as the client sent it, query included (webob's {@code Request.url}). */
    public String url() {
        return baseUrl + rawPath + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }
}
