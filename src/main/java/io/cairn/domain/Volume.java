package io.cairn.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A volume as the service sees it: its row, its user metadata, Cinder's admin metadata ({@code readonly},
 * {@code attached_mode}) and its current attachments. {@code version} is the row's version, which every write to
 * the row or to what hangs off it changes (0 for a row not read from the store).
 */
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
        VolumeStatus previousStatus,
        Map<String, String> metadata,
        Map<String, String> adminMetadata,
        List<VolumeAttachment> attachments,
        long version) {

    /** The size in bytes ({@code size} is in GiB). */
    public long sizeBytes() {
        return (long) size << 30;
    }

    public Volume withDetails(Map<String, String> newAdminMetadata, List<VolumeAttachment> newAttachments) {
        return new Volume(
                id,
                projectId,
                userId,
                status,
                attachStatus,
                migrationStatus,
                size,
                availabilityZone,
                host,
                displayName,
                displayDescription,
                snapshotId,
                sourceVolid,
                volumeTypeId,
                groupId,
                bootable,
                multiattach,
                useQuota,
                createdAt,
                updatedAt,
                launchedAt,
                previousStatus,
                metadata,
                newAdminMetadata,
                newAttachments,
                version);
    }

    public Volume withNameDescriptionMetadata(String name, String description, Map<String, String> newMetadata) {
        return new Volume(
                id,
                projectId,
                userId,
                status,
                attachStatus,
                migrationStatus,
                size,
                availabilityZone,
                host,
                name,
                description,
                snapshotId,
                sourceVolid,
                volumeTypeId,
                groupId,
                bootable,
                multiattach,
                useQuota,
                createdAt,
                updatedAt,
                launchedAt,
                previousStatus,
                newMetadata,
                adminMetadata,
                attachments,
                version);
    }
}
