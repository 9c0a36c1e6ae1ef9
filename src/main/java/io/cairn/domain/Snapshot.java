package io.cairn.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot row as the service sees it; metadata keeps its stored order. {@code version} is the row's version,
 * which every write to the row or its metadata changes (0 for a row not read from the store).
 */
public record Snapshot(
        String id,
        String projectId,
        String userId,
        String volumeId,
        String groupSnapshotId,
        SnapshotStatus status,
        String progress,
        int volumeSize,
        String displayName,
        String displayDescription,
        boolean useQuota,
        Instant createdAt,
        Instant updatedAt,
        Map<String, String> metadata,
        long version) {

    /** A new snapshot of {@code volume}, creating and counted against the quota, before the store has its row. */
    public static Snapshot creating(
            String id,
            Caller caller,
            Volume volume,
            String groupSnapshotId,
            String name,
            String description,
            Instant now,
            Map<String, String> metadata) {
        return new Snapshot(
                id,
                caller.projectId(),
                caller.userId(),
                volume.id(),
                groupSnapshotId,
                SnapshotStatus.CREATING,
                "0%",
                volume.size(),
                name,
                description,
                true,
                now,
                null,
                metadata,
                0);
    }

    public Snapshot withMetadata(Map<String, String> replacement) {
        return new Snapshot(
                id,
                projectId,
                userId,
                volumeId,
                groupSnapshotId,
                status,
                progress,
                volumeSize,
                displayName,
                displayDescription,
                useQuota,
                createdAt,
                updatedAt,
                replacement,
                version);
    }
}
