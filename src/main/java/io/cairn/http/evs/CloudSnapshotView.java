package io.cairn.http.evs;

import io.cairn.domain.Snapshot;
import io.cairn.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** A snapshot as EVS's native API shows it (the SDK's SnapshotDetails and SnapshotList). */
final class CloudSnapshotView {
    private CloudSnapshotView() {}

    static Map<String, Object> details(Snapshot snapshot) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", snapshot.id());
        view.put("status", snapshot.status().wire());
        view.put("name", snapshot.displayName());
        view.put("description", snapshot.displayDescription());
        view.put("created_at", Json.timestamp(snapshot.createdAt()));
        view.put("updated_at", Json.timestamp(snapshot.updatedAt()));
        view.put("metadata", snapshot.metadata());
        view.put("volume_id", snapshot.volumeId());
        view.put("size", snapshot.volumeSize());
        view.put("os-extended-snapshot-attributes:project_id", snapshot.projectId());
        view.put("os-extended-snapshot-attributes:progress", snapshot.progress());
        return view;
    }

    /** A list item adds where the snapshot lives: always EVS's shared storage in Cairn. */
    static Map<String, Object> listItem(Snapshot snapshot) {
        Map<String, Object> view = details(snapshot);
        view.put("service_type", "EVS");
        view.put("dedicated_storage_id", null);
        view.put("dedicated_storage_name", null);
        return view;
    }
}
