package io.cairn.service;

import java.util.Map;

/**
 * A schema-checked volume create request. {@code size} is null when the client gave none (it then comes
 * from the source); {@code availabilityZone}, {@code volumeType}, {@code snapshotId}, {@code sourceVolid} and
 * {@code groupId} are null when absent.
 */
public record VolumeCreate(
        Integer size,
        String name,
        String description,
        String availabilityZone,
        Map<String, String> metadata,
        String snapshotId,
        String sourceVolid,
        String volumeType,
        boolean multiattach,
        String groupId) {}
