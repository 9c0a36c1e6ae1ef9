package io.cairn.http.cinder;

import io.cairn.domain.SnapshotBlocks;
import io.cairn.domain.SnapshotIngest;
import io.cairn.domain.SnapshotIngestStatus;
import io.cairn.http.Json;
import io.cairn.service.SnapshotIngestService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** A snapshot ingest as the API shows it. */
final class SnapshotIngestView {
    private SnapshotIngestView() {}

    static Map<String, Object> of(SnapshotIngestService.Shown shown) {
        SnapshotIngest ingest = shown.ingest();
        SnapshotIngest.Request request = ingest.request();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", ingest.id());
        view.put("status", shown.status());
        view.put("snapshot_id", ingest.snapshotId());
        view.put("snapshot_status", shown.snapshotStatus().orElse(null));
        view.put("volume_id", ingest.volumeId());
        view.put("parent_snapshot_id", request.parentSnapshotId().orElse(null));
        view.put("volume_size", request.volumeSize());
        view.put("block_size", SnapshotBlocks.BLOCK_SIZE);
        view.put("blocks_received", ingest.blocksReceived());
        view.put("timeout", request.timeoutMinutes());
        view.put(
                "expires_at",
                ingest.rowStatus() == SnapshotIngestStatus.OPEN ? Json.timestamp(ingest.expiresAt()) : null);
        view.put("client_token", request.clientToken().orElse(null));
        view.put("name", request.name().orElse(null));
        view.put("description", request.description().orElse(null));
        view.put("metadata", new TreeMap<>(request.metadata()));
        view.put("created_at", Json.timestamp(ingest.createdAt()));
        view.put("updated_at", Json.timestamp(ingest.updatedAt()));
        return view;
    }
}
