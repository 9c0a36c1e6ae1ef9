package io.cairn.http.evs;

import io.cairn.domain.SnapshotGroup;
import io.cairn.http.Json;
import io.cairn.service.SnapshotGroupService.Shown;
import java.util.LinkedHashMap;
import java.util.Map;

/** An EVS snapshot group as the v5 API shows it. */
final class SnapshotGroupView {
    private SnapshotGroupView() {}

    static Map<String, Object> of(Shown shown) {
        SnapshotGroup group = shown.group();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", group.id());
        view.put("created_at", Json.timestamp(group.createdAt()));
        view.put("status", group.status().wire());
        view.put("updated_at", Json.timestamp(group.updatedAt()));
        view.put("name", group.name());
        view.put("description", group.description());
        view.put("enterprise_project_id", "0");
        view.put("tags", shown.tags());
        view.put("server_id", group.serverId());
        return view;
    }
}
