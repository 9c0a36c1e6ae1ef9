package io.cairn.http.evs;

import io.cairn.domain.Snapshot;
import io.cairn.http.Json;
import io.cairn.http.RenderedViewCache;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot as EVS's native API shows it (the SDK's SnapshotDetails and SnapshotList). Show and list keep their
 * views per row version; create and update render theirs, as their rows are not read back.
 */
final class CloudSnapshotView {
    private static final RenderedViewCache.Variant DETAILS = new RenderedViewCache.Variant("evs snapshot details");
    private static final RenderedViewCache.Variant LIST_ITEM = new RenderedViewCache.Variant("evs snapshot list item");

    private CloudSnapshotView() {}

    /** Show's view, kept per row version. */
    static RenderedViewCache.Raw shown(RenderedViewCache views, Snapshot snapshot) {
        return views.one(
                snapshot, snapshot.id(), snapshot.version(), DETAILS, s -> Json.MAPPER.writeValueAsBytes(details(s)));
    }

    /** A list's views, kept per row version. */
    static List<RenderedViewCache.Raw> listItems(RenderedViewCache views, List<Snapshot> snapshots) {
        return snapshots.stream()
                .map(snapshot -> views.one(
                        snapshot,
                        snapshot.id(),
                        snapshot.version(),
                        LIST_ITEM,
                        s -> Json.MAPPER.writeValueAsBytes(listItem(s))))
                .toList();
    }

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
    private static Map<String, Object> listItem(Snapshot snapshot) {
        Map<String, Object> view = details(snapshot);
        view.put("service_type", "EVS");
        view.put("dedicated_storage_id", null);
        view.put("dedicated_storage_name", null);
        return view;
    }
}
