package io.cairn.domain;

import java.time.Instant;

/**
 * An EVS snapshot group: one snapshot of each of its disks, all taken at one instant. {@code host} is the members'
 * (they must share one engine); {@code serverId} is the server the request named, if any; {@code size} is the disks'
 * total in GB.
 */
public record SnapshotGroup(
        String id,
        String projectId,
        String userId,
        SnapshotGroupStatus status,
        String host,
        String serverId,
        int size,
        String name,
        String description,
        Instant createdAt,
        Instant updatedAt) {}
