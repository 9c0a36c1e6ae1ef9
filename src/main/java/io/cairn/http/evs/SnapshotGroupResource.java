package io.cairn.http.evs;

import static io.cairn.http.evs.EvsBodies.bool;
import static io.cairn.http.evs.EvsBodies.field;
import static io.cairn.http.evs.EvsBodies.object;
import static io.cairn.http.evs.EvsBodies.strings;
import static io.cairn.http.evs.EvsBodies.tagFilter;
import static io.cairn.http.evs.EvsBodies.tagList;
import static io.cairn.http.evs.EvsBodies.tagMap;
import static io.cairn.http.evs.EvsBodies.text;

import io.cairn.domain.CairnException;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.SnapshotGroupService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** EVS's snapshot groups (快照一致性组) under {@code /v5/{project_id}/snapshot-groups}. */
public final class SnapshotGroupResource {
    private final SnapshotGroupService groups;

    public SnapshotGroupResource(SnapshotGroupService groups) {
        this.groups = groups;
    }

    /** The routes, for the v5 router; the literal paths first, as they would otherwise be taken for ids. */
    public void register(Router v5) {
        v5.add("POST", "snapshot-groups", this::create);
        v5.add("GET", "snapshot-groups/detail", this::list);
        v5.add("GET", "snapshot-groups/tags", this::tagKeys);
        v5.add("GET", "snapshot-groups/{id}", this::show);
        v5.add("PUT", "snapshot-groups/{id}", this::update);
        v5.add("DELETE", "snapshot-groups/{id}", this::delete);
        v5.add("POST", "snapshot-groups/{id}/tags/create", this::addTags);
        v5.add("POST", "snapshot-groups/{id}/tags/delete", this::removeTags);
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode body = object(request.body(), "snapshot_group");
        if (bool(body, "instant_access").orElse(false)) {
            throw CairnException.badRequest("instant_access is not supported.");
        }
        // Every Cairn snapshot shares unchanged data with its disk: either value is taken.
        bool(body, "incremental");
        StandardSnapshotResource.checkEnterpriseProject(body);
        SnapshotGroupService.Accepted accepted = groups.create(
                request.caller(),
                text(body, "server_id"),
                strings(body, "volume_ids"),
                text(body, "name").orElse(null),
                text(body, "description").orElse(null),
                tagMap(body.get("tags")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("job_id", accepted.jobId());
        answer.put("snapshot_group_id", accepted.snapshotGroupId());
        return ApiResponse.accepted(answer);
    }

    private ApiResponse list(ApiRequest request) {
        SnapshotGroupService.GroupPage page =
                groups.list(request.caller(), request.query(), tagFilter(request.query()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "snapshot_groups",
                page.items().stream().map(SnapshotGroupView::of).toList());
        body.put("count", page.count());
        return ApiResponse.ok(body);
    }

    private ApiResponse show(ApiRequest request) {
        return ApiResponse.ok(ApiResponse.wrap(
                "snapshot_group", SnapshotGroupView.of(groups.get(request.caller(), request.param("id")))));
    }

    private ApiResponse update(ApiRequest request) {
        JsonNode body = object(request.body(), "snapshot_group");
        Optional<Optional<String>> name = field(body, "name");
        Optional<Optional<String>> description = field(body, "description");
        if (name.isEmpty() && description.isEmpty()) {
            throw CairnException.invalidInput("Request body and URI mismatch.");
        }
        return ApiResponse.ok(ApiResponse.wrap(
                "snapshot_group",
                SnapshotGroupView.of(groups.update(request.caller(), request.param("id"), name, description))));
    }

    private ApiResponse delete(ApiRequest request) {
        return ApiResponse.accepted(ApiResponse.wrap("job_id", groups.delete(request.caller(), request.param("id"))));
    }

    private ApiResponse addTags(ApiRequest request) {
        groups.addTags(request.caller(), request.param("id"), tagList(request.body()));
        return ApiResponse.empty(204);
    }

    private ApiResponse removeTags(ApiRequest request) {
        groups.removeTags(
                request.caller(), request.param("id"), tagList(request.body()).keySet());
        return ApiResponse.empty(204);
    }

    private ApiResponse tagKeys(ApiRequest request) {
        return ApiResponse.ok(StandardSnapshotResource.tagKeysBody(groups.tagKeys(request.caller())));
    }
}
