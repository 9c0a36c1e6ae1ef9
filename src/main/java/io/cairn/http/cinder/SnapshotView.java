package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Snapshot;
import io.cairn.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** A snapshot as Cinder shows it, per view and microversion. */
final class SnapshotView {
    private SnapshotView() {}

    /** The summary view: the nine keys every snapshot always has. */
    static Map<String, Object> summary(Snapshot snapshot) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", snapshot.id());
        view.put("created_at", Json.timestamp(snapshot.createdAt()));
        view.put("updated_at", Json.timestamp(snapshot.updatedAt()));
        view.put("name", snapshot.displayName());
        view.put("description", snapshot.displayDescription());
        view.put("volume_id", snapshot.volumeId());
        view.put("status", snapshot.status().wire());
        view.put("size", snapshot.volumeSize());
        view.put("metadata", snapshot.metadata());
        return view;
    }

    /**
     * The detail view: the summary plus the keys of later microversions, and the extended attributes when
     * {@code extended} (show and detail list, for callers the policy allows).
     */
    static Map<String, Object> detail(Snapshot snapshot, ApiVersion version, boolean extended) {
        Map<String, Object> view = summary(snapshot);
        if (version.atLeast(14)) {
            view.put("group_snapshot_id", snapshot.groupSnapshotId());
        }
        if (version.atLeast(41)) {
            view.put("user_id", snapshot.userId());
        }
        if (version.atLeast(65)) {
            view.put("consumes_quota", snapshot.useQuota());
        }
        if (extended) {
            view.put("os-extended-snapshot-attributes:project_id", snapshot.projectId());
            view.put("os-extended-snapshot-attributes:progress", snapshot.progress());
        }
        return view;
    }
}
