package io.cairn.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Set;

/**
 * An AK/SK credential without its secret: the access key id a client names in its signature, and the
 * caller it stands for (project, user and roles).
 */
public record AccessKey(
        String accessKey, String projectId, String userId, Set<String> roles, String description, Instant createdAt) {
    public AccessKey {
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(projectId, "projectId is null");
        requireNonNull(userId, "userId is null");
        roles = Set.copyOf(roles);
        requireNonNull(createdAt, "createdAt is null");
    }

    public Caller caller() {
        return new Caller(userId, projectId, roles);
    }
}
