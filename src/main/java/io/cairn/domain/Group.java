package io.cairn.domain;

import java.time.Instant;
import java.util.List;

/**
 * A generic volume group: volumes of the listed volume types that snapshot together. {@code groupSnapshotId} and
 * {@code sourceGroupId} name what it was created from, when it was; {@code host} is where its members' data lives.
 */
public record Group(
        String id,
        String projectId,
        String userId,
        GroupStatus status,
        String availabilityZone,
        String host,
        String groupTypeId,
        String name,
        String description,
        String groupSnapshotId,
        String sourceGroupId,
        List<String> volumeTypeIds,
        Instant createdAt,
        Instant updatedAt) {
    public Group {
        volumeTypeIds = List.copyOf(volumeTypeIds);
    }

    public Group withVolumeTypeIds(List<String> ids) {
        return new Group(
                id,
                projectId,
                userId,
                status,
                availabilityZone,
                host,
                groupTypeId,
                name,
                description,
                groupSnapshotId,
                sourceGroupId,
                ids,
                createdAt,
                updatedAt);
    }
}
