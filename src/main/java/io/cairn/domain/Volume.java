package io.cairn.domain;

import java.time.Instant;
import java.util.Map;

/** A volume row as the service sees it. */
public record Volume(
        String id,
        String projectId,
        String userId,
        VolumeStatus status,
        String attachStatus,
        String migrationStatus,
        int size,
        String availabilityZone,
        String host,
        String displayName,
        String displayDescription,
        String snapshotId,
        String sourceVolid,
        String volumeTypeId,
        String groupId,
        boolean bootable,
        boolean multiattach,
        boolean useQuota,
        Instant createdAt,
        Instant updatedAt,
        Instant launchedAt,
        Map<String, String> metadata) {

    public Volume withMetadata(Map<String, String> replacement) {
        return new Volume(id, projectId, userId, status, attachStatus, migrationStatus, size, availabilityZone, host,
                displayName, displayDescription, snapshotId, sourceVolid, volumeTypeId, groupId, bootable,
                multiattach, useQuota, createdAt, updatedAt, launchedAt, replacement);
    }
}
