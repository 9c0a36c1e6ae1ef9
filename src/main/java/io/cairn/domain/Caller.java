package io.cairn.domain;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who makes a request: the authenticated user, the project the token is scoped to, and its roles.
 * Roles imply one another as Keystone's defaults do: admin implies member, member implies reader.
 */
public record Caller(String userId, String projectId, Set<String> roles) {
    public Caller {
        requireNonNull(userId, "userId is null");
        requireNonNull(projectId, "projectId is null");
        roles = Set.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains("admin");
    }

    public boolean isMember() {
        return isAdmin() || roles.contains("member");
    }

    public boolean isReader() {
        return isMember() || roles.contains("reader");
    }
}
