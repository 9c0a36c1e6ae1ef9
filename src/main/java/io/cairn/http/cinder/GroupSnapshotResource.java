package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.GroupSnapshot;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Faults;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.GroupSnapshotService;
import io.cairn.service.Page;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The Cinder v3 group snapshot API (3.14): one snapshot of every volume of a group, at one instant. */
public final class GroupSnapshotResource {
    private static final JsonSchema CREATE = JsonSchema.load("group-snapshot-create");
    private static final JsonSchema RESET_STATUS = JsonSchema.load("group-reset-status");

    private final GroupSnapshotService groupSnapshots;

    public GroupSnapshotResource(GroupSnapshotService groupSnapshots) {
        this.groupSnapshots = groupSnapshots;
    }

    public void register(Router router) {
        router.add("GET", "group_snapshots", ApiVersion.GROUP_SNAPSHOTS, r -> list(r, false));
        router.add("GET", "group_snapshots/detail", ApiVersion.GROUP_SNAPSHOTS, r -> list(r, true));
        router.add("POST", "group_snapshots", ApiVersion.GROUP_SNAPSHOTS, this::create);
        router.add("GET", "group_snapshots/{id}", ApiVersion.GROUP_SNAPSHOTS, this::show);
        router.add("DELETE", "group_snapshots/{id}", ApiVersion.GROUP_SNAPSHOTS, this::delete);
        router.add("POST", "group_snapshots/{id}/action", ApiVersion.GROUP_SNAPSHOT_RESET_STATUS, this::action);
    }

    private ApiResponse list(ApiRequest request, boolean detail) {
        Page<GroupSnapshot> page = groupSnapshots.list(request.caller(), request.version(), request.query());
        boolean showProject = groupSnapshots.showsProject(request.caller());
        List<Map<String, Object>> items = page.items().stream()
                .map(snapshot -> detail
                        ? GroupView.snapshotDetail(snapshot, request.version(), showProject)
                        : GroupView.snapshotListSummary(snapshot))
                .toList();
        String lastId = page.items().isEmpty() ? null : page.items().getLast().id();
        return ApiResponse.ok(Links.collection(
                request, "group_snapshots", "group_snapshot_links", "group_snapshots", items, page, lastId));
    }

    private ApiResponse show(ApiRequest request) {
        GroupSnapshot snapshot = groupSnapshots.get(request.caller(), request.param("id"));
        return ApiResponse.ok(ApiResponse.wrap(
                "group_snapshot",
                GroupView.snapshotDetail(snapshot, request.version(), groupSnapshots.showsProject(request.caller()))));
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode body = request.body(CREATE).get("group_snapshot");
        GroupSnapshot snapshot = groupSnapshots.create(
                request.caller(),
                body.get("group_id").asString(),
                Bodies.strip(Bodies.optionalText(body, "name").orElse(null)),
                Bodies.strip(Bodies.optionalText(body, "description").orElse(null)));
        return ApiResponse.accepted(ApiResponse.wrap("group_snapshot", GroupView.snapshotSummary(snapshot)));
    }

    private ApiResponse delete(ApiRequest request) {
        groupSnapshots.delete(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
    }

    private ApiResponse action(ApiRequest request) {
        JsonNode body = request.body();
        if (!body.isObject() || body.size() != 1) {
            throw Faults.malformedBody();
        }
        String action = body.propertyNames().iterator().next();
        if (!action.equals("reset_status")) {
            throw GroupResource.unknownAction(action);
        }
        RESET_STATUS.validate(body);
        groupSnapshots.resetStatus(
                request.caller(),
                request.param("id"),
                body.get(action).get("status").asString());
        return ApiResponse.empty(202);
    }
}
