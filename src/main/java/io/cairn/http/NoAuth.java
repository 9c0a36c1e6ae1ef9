package io.cairn.http;

import io.cairn.domain.Caller;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Function;

/**
 * Cinder's noauth: the token {@code user:project} is an admin of that project (what cinderclient sends);
 * {@code user:project:role1,role2} gives exactly those roles, so reader and member behaviour can be exercised.
 * A request without a token gets Cinder's noauth answer: 204 with a token to use.
 */
public final class NoAuth implements Authenticator {
    private static final Set<String> ADMIN_ROLES = Set.of("admin", "member", "reader");

    @Override
    public Caller authenticate(Function<String, String> headers) {
        String token = headers.apply("X-Auth-Token");
        if (token == null) {
            String user = orDefault(headers.apply("X-Auth-User"), "admin");
            String project = orDefault(headers.apply("X-Auth-Project-Id"), "admin");
            throw new ApiServer.EarlyResponse(ApiResponse.empty(204)
                    .withHeader("X-Auth-Token", user + ":" + project)
                    .withHeader("Content-Type", "text/plain; charset=UTF-8"));
        }
        String[] parts = token.split(":", 3);
        String user = parts[0];
        String project = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : user;
        Set<String> roles = parts.length > 2
                ? Set.copyOf(Arrays.stream(parts[2].split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList())
                : ADMIN_ROLES;
        return new Caller(user, project, roles);
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
