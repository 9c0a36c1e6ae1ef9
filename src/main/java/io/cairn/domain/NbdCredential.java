package io.cairn.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A TLS identity of the NBD data path and what a connection proving it may open: one project's exports, or one
 * volume's of it ({@code volumeId}), or every export (an admin identity: no project). {@code connector} names the host
 * a connection credential was issued to through {@code os-initialize_connection}; operators' credentials have none.
 */
public record NbdCredential(
        String identity,
        Optional<String> projectId,
        Optional<String> volumeId,
        Optional<String> connector,
        boolean readOnly,
        String description,
        Instant createdAt) {
    public NbdCredential {
        requireNonNull(identity, "identity is null");
        requireNonNull(projectId, "projectId is null");
        requireNonNull(volumeId, "volumeId is null");
        requireNonNull(connector, "connector is null");
        requireNonNull(createdAt, "createdAt is null");
        if (projectId.isEmpty() && volumeId.isPresent()) {
            throw new IllegalArgumentException("a credential narrowed to a volume belongs to the volume's project");
        }
    }

    public boolean admin() {
        return projectId.isEmpty();
    }
}
