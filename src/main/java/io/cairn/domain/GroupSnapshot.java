package io.cairn.domain;

import java.time.Instant;

/** A snapshot of every volume of a group at one instant; its member snapshots name it as their group snapshot. */
public record GroupSnapshot(
        String id,
        String projectId,
        String userId,
        String groupId,
        String groupTypeId,
        GroupSnapshotStatus status,
        String name,
        String description,
        Instant createdAt,
        Instant updatedAt) {}
