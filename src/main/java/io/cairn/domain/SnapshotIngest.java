package io.cairn.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot being built from blocks a client puts ({@link SnapshotBlocks#BLOCK_SIZE} each) into a staging volume
 * of the project, which becomes an ordinary snapshot {@code snapshotId} of that volume at completion.
 *
 * @param request what the client asked for, which a retry with the same client token must ask again
 * @param blocksReceived the blocks recorded as received whole
 */
public record SnapshotIngest(
        String id,
        String projectId,
        String userId,
        String volumeId,
        String snapshotId,
        Request request,
        SnapshotIngestStatus rowStatus,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        long blocksReceived) {
    public SnapshotIngest {
        requireNonNull(id, "id is null");
        requireNonNull(request, "request is null");
        requireNonNull(rowStatus, "rowStatus is null");
    }

    /** A start request; equal requests with one client token name one ingest. */
    public record Request(
            int volumeSize,
            Optional<String> parentSnapshotId,
            Optional<String> clientToken,
            int timeoutMinutes,
            Optional<String> name,
            Optional<String> description,
            Map<String, String> metadata) {
        public Request {
            requireNonNull(parentSnapshotId, "parentSnapshotId is null");
            requireNonNull(clientToken, "clientToken is null");
            requireNonNull(name, "name is null");
            requireNonNull(description, "description is null");
            metadata = Map.copyOf(metadata);
        }
    }

    /** The number of blocks of the volume: block indexes run from 0 to this, exclusive. */
    public long blockCount() {
        return (long) request.volumeSize() * (1L << 30) / SnapshotBlocks.BLOCK_SIZE;
    }

    /**
     * The status a client sees: an open ingest is {@code creating} while its staging volume is, {@code open} once it
     * takes blocks (the volume in maintenance) and {@code error} when the volume could not be made; an ended one says
     * how it ended.
     */
    public String status(Optional<VolumeStatus> staging) {
        if (rowStatus != SnapshotIngestStatus.OPEN) {
            return rowStatus.wire();
        }
        return switch (staging.orElse(VolumeStatus.ERROR)) {
            case CREATING -> "creating";
            case MAINTENANCE -> SnapshotIngestStatus.OPEN.wire();
            default -> "error";
        };
    }
}
