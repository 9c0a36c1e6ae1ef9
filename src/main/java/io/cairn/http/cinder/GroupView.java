package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Group;
import io.cairn.domain.GroupSnapshot;
import io.cairn.domain.GroupType;
import io.cairn.http.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Groups, group snapshots and group types as Cinder's v3 views render them, per microversion. */
final class GroupView {
    private GroupView() {}

    /** What create answers and the list without details show: id and name. */
    static Map<String, Object> summary(Group group) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", group.id());
        view.put("name", group.name());
        return view;
    }

    /**
     * The detail view; {@code volumes} (the ids of its volumes) is shown from 3.25 when the request asked for it
     * ({@code list_volume}), the project from 3.58 to those who may see it.
     */
    static Map<String, Object> detail(
            Group group, ApiVersion version, java.util.Optional<List<String>> volumes, boolean showProject) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", group.id());
        view.put("status", group.status().wire());
        view.put("availability_zone", group.availabilityZone());
        view.put("created_at", Json.timestamp(group.createdAt()));
        view.put("name", group.name());
        view.put("description", group.description());
        view.put("group_type", group.groupTypeId());
        view.put("volume_types", group.volumeTypeIds());
        if (version.atLeast(ApiVersion.GROUP_SNAPSHOTS)) {
            view.put("group_snapshot_id", group.groupSnapshotId());
            view.put("source_group_id", group.sourceGroupId());
        }
        volumes.ifPresent(ids -> view.put("volumes", ids));
        if (version.atLeast(ApiVersion.GROUP_REPLICATION)) {
            view.put("replication_status", "disabled"); // replication is never enabled here
        }
        if (version.atLeast(ApiVersion.GROUP_PROJECT_ID) && showProject) {
            view.put("project_id", group.projectId());
        }
        return view;
    }

    static Map<String, Object> snapshotSummary(GroupSnapshot snapshot) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", snapshot.id());
        view.put("name", snapshot.name());
        view.put("group_type_id", snapshot.groupTypeId());
        return view;
    }

    /** A summary in a list, where Cinder drops the group type that a create's response shows. */
    static Map<String, Object> snapshotListSummary(GroupSnapshot snapshot) {
        Map<String, Object> view = snapshotSummary(snapshot);
        view.remove("group_type_id");
        return view;
    }

    static Map<String, Object> snapshotDetail(GroupSnapshot snapshot, ApiVersion version, boolean showProject) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", snapshot.id());
        view.put("group_id", snapshot.groupId());
        view.put("group_type_id", snapshot.groupTypeId());
        view.put("status", snapshot.status().wire());
        view.put("created_at", Json.timestamp(snapshot.createdAt()));
        view.put("name", snapshot.name());
        view.put("description", snapshot.description());
        if (version.atLeast(ApiVersion.GROUP_PROJECT_ID) && showProject) {
            view.put("project_id", snapshot.projectId());
        }
        return view;
    }

    static Map<String, Object> type(GroupType type, boolean showSpecs) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", type.id());
        view.put("name", type.name());
        view.put("description", type.description());
        view.put("is_public", type.isPublic());
        if (showSpecs) {
            view.put("group_specs", new LinkedHashMap<>(type.specs()));
        }
        return view;
    }
}
