package io.cairn.service;

import java.util.Map;
import java.util.Optional;

/**
 * A request to manage an existing backend snapshot: the volume it belongs to, the backend reference as the
 * client sent it (for messages) and its {@code source-name}, if any, plus the new row's name, description and
 * metadata.
 */
public record SnapshotManage(
        String volumeId,
        String reference,
        Optional<String> sourceName,
        String name,
        String description,
        Map<String, String> metadata) {}
