package io.cairn.http;

import io.cairn.domain.Caller;
import java.util.Arrays;
import java.util.Set;

/**
 * Cinder's noauth: the token {@code user:project} is an admin of that project (what cinderclient sends);
 * {@code user:project:role1,role2} gives exactly those roles, so reader and member behaviour can be exercised.
 * A request without a token gets Cinder's noauth answer: 204 with a token to use and the URL to use it on.
 */
public final class NoAuth implements Authenticator {
    private static final Set<String> ADMIN_ROLES = Set.of("admin", "member", "reader");

    @Override
    public Caller authenticate(AuthRequest request) {
        String token = request.header("X-Auth-Token");
        if (token == null) {
            // Cinder reads the headers with defaults for absent ones only: a header sent empty stays empty.
            String user = orDefault(request.header("X-Auth-User"), "admin");
            String project = orDefault(request.header("X-Auth-Project-Id"), "admin");
            throw new ApiServer.EarlyResponse(ApiResponse.empty(204)
                    .withHeader("X-Auth-Token", user + ":" + project)
                    .withHeader("X-Server-Management-Url", stripTrailingSlashes(request.url()))
                    .withHeader("Content-Type", "text/plain; charset=UTF-8"));
        }
        String[] parts = token.split(":", 3);
        String user = parts[0];
        String project = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : user;
        Set<String> roles = parts.length > 2
                ? Set.copyOf(Arrays.stream(parts[2].split(","))
                        .map(String::strip)
                        .filter(r -> !r.isEmpty())
                        .toList())
                : ADMIN_ROLES;
        return new Caller(user, project, roles);
    }

    @Override
    public boolean answersRequestsWithoutToken() {
        return true;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    /** Python's {@code rstrip('/')}, as Cinder applies it to the request URL. */
    private static String stripTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }
}
