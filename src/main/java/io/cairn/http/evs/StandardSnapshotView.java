package io.cairn.http.evs;

import io.cairn.domain.Snapshot;
import io.cairn.http.Json;
import io.cairn.service.StandardSnapshotService.StandardSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot as EVS's v5 (standard snapshot) API shows it. Cairn keeps no encryption, instant access, retention or
 * snapshot chains, so those fields say so; every snapshot is a user's, sharing unchanged data with its disk.
 */
final class StandardSnapshotView {
    private StandardSnapshotView() {}

    static Map<String, Object> of(StandardSnapshot shown) {
        Snapshot snapshot = shown.snapshot();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", snapshot.id());
        view.put("name", snapshot.displayName());
        view.put("description", snapshot.displayDescription());
        view.put("created_at", Json.timestamp(snapshot.createdAt()));
        view.put("updated_at", Json.timestamp(snapshot.updatedAt()));
        view.put("volume_id", snapshot.volumeId());
        view.put("size", snapshot.volumeSize());
        view.put("status", snapshot.status().wire());
        view.put("enterprise_project_id", "0");
        view.put("encrypted", false);
        view.put("cmk_id", null);
        view.put("availability_zone", shown.availabilityZone());
        view.put("tags", shown.tags());
        view.put("instant_access", false);
        view.put("retention_at", null);
        view.put("instant_access_retention_at", null);
        view.put("incremental", true);
        view.put("snapshot_type", "user");
        view.put("progress", snapshot.progress());
        view.put("encrypt_algorithm", null);
        view.put("snapshot_chains", List.of());
        view.put("snapshot_group_id", snapshot.groupSnapshotId());
        return view;
    }
}
