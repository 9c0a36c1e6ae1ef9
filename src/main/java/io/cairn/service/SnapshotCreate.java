package io.cairn.service;

import java.util.Map;
import java.util.Optional;

/**
 * A validated snapshot create request. {@code volumeId} may be null (Cinder answers 404 for it);
 * {@code force} is empty when the client did not send it.
 */
public record SnapshotCreate(
        String volumeId, String name, String description, Optional<Boolean> force, Map<String, String> metadata) {}
