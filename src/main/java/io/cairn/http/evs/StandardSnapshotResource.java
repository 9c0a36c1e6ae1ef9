package io.cairn.http.evs;

import static io.cairn.http.evs.EvsBodies.bool;
import static io.cairn.http.evs.EvsBodies.field;
import static io.cairn.http.evs.EvsBodies.object;
import static io.cairn.http.evs.EvsBodies.tagFilter;
import static io.cairn.http.evs.EvsBodies.tagList;
import static io.cairn.http.evs.EvsBodies.tagMap;
import static io.cairn.http.evs.EvsBodies.text;

import io.cairn.domain.CairnException;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.SnapshotCreate;
import io.cairn.service.StandardSnapshotService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * EVS's standard snapshot API under {@code /v5/{project_id}/snapshots}, over the same snapshots the Cinder and v2 APIs
 * show: parse, call one service method, render one view. Requests that start background work answer with its job.
 */
public final class StandardSnapshotResource {
    private final StandardSnapshotService evs;

    public StandardSnapshotResource(StandardSnapshotService evs) {
        this.evs = evs;
    }

    /** The routes, for the v5 router; the literal paths first, as they would otherwise be taken for ids. */
    public void register(Router v5) {
        v5.add("POST", "snapshots", this::create);
        v5.add("GET", "snapshots/detail", this::list);
        v5.add("GET", "snapshots/tags", this::tagKeys);
        v5.add("GET", "snapshots/{id}", this::show);
        v5.add("PUT", "snapshots/{id}", this::update);
        v5.add("DELETE", "snapshots/{id}", this::delete);
        v5.add("POST", "snapshots/{id}/rollback", this::rollback);
        v5.add("POST", "snapshots/{id}/tags/create", this::addTags);
        v5.add("POST", "snapshots/{id}/tags/delete", this::removeTags);
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode body = object(request.body(), "snapshot");
        String volumeId = text(body, "volume_id").orElseThrow(() -> CairnException.invalidInput("invalid volume id!"));
        if (bool(body, "instant_access").orElse(false)) {
            throw CairnException.badRequest("instant_access is not supported.");
        }
        // Every Cairn snapshot shares unchanged data with its disk: either value is taken, and the view says true.
        bool(body, "incremental");
        checkEnterpriseProject(body);
        StandardSnapshotService.Accepted accepted = evs.createStandardSnapshot(
                request.caller(),
                new SnapshotCreate(
                        volumeId,
                        text(body, "name").orElse(null),
                        text(body, "description").orElse(null),
                        Optional.empty(),
                        Map.of()),
                tagMap(body.get("tags")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("job_id", accepted.jobId());
        answer.put("snapshot_id", accepted.id());
        return ApiResponse.accepted(answer);
    }

    private ApiResponse list(ApiRequest request) {
        StandardSnapshotService.StandardPage page =
                evs.listStandardSnapshots(request.caller(), request.query(), tagFilter(request.query()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "snapshots", page.items().stream().map(StandardSnapshotView::of).toList());
        body.put("count", page.count());
        return ApiResponse.ok(body);
    }

    private ApiResponse show(ApiRequest request) {
        return ApiResponse.ok(ApiResponse.wrap(
                "snapshot", StandardSnapshotView.of(evs.getStandardSnapshot(request.caller(), request.param("id")))));
    }

    private ApiResponse update(ApiRequest request) {
        JsonNode body = object(request.body(), "snapshot");
        Optional<Optional<String>> name = field(body, "name");
        Optional<Optional<String>> description = field(body, "description");
        if (bool(body, "instant_access").orElse(false)) {
            throw CairnException.badRequest("instant_access is not supported.");
        }
        if (name.isEmpty() && description.isEmpty() && !body.has("instant_access")) {
            throw CairnException.invalidInput("Request body and URI mismatch.");
        }
        return ApiResponse.ok(ApiResponse.wrap(
                "snapshot",
                StandardSnapshotView.of(
                        evs.updateStandardSnapshot(request.caller(), request.param("id"), name, description))));
    }

    private ApiResponse delete(ApiRequest request) {
        return ApiResponse.accepted(
                ApiResponse.wrap("job_id", evs.deleteStandardSnapshot(request.caller(), request.param("id"))));
    }

    private ApiResponse rollback(ApiRequest request) {
        JsonNode body = object(request.body(), "rollback");
        String volumeId = text(body, "volume_id").orElseThrow(() -> CairnException.invalidInput("invalid volume id!"));
        String job = evs.rollbackStandardSnapshot(
                request.caller(),
                request.param("id"),
                volumeId,
                text(body, "name").orElse(null));
        return ApiResponse.accepted(ApiResponse.wrap("job_id", job));
    }

    private ApiResponse addTags(ApiRequest request) {
        evs.addSnapshotTags(request.caller(), request.param("id"), tagList(request.body()));
        return ApiResponse.empty(204);
    }

    private ApiResponse removeTags(ApiRequest request) {
        evs.removeSnapshotTags(
                request.caller(), request.param("id"), tagList(request.body()).keySet());
        return ApiResponse.empty(204);
    }

    private ApiResponse tagKeys(ApiRequest request) {
        return ApiResponse.ok(tagKeysBody(evs.snapshotTagKeys(request.caller())));
    }

    /** {@code {"tags": [{"key": k, "value": [v, ...]}]}}: every key in use with the values it takes. */
    static Map<String, Object> tagKeysBody(Map<String, List<String>> keys) {
        return ApiResponse.wrap(
                "tags",
                keys.entrySet().stream()
                        .map(e -> {
                            Map<String, Object> tag = new LinkedHashMap<>();
                            tag.put("key", e.getKey());
                            tag.put("value", e.getValue());
                            return tag;
                        })
                        .toList());
    }

    /** Cairn has one enterprise project, the default one ("0"). */
    static void checkEnterpriseProject(JsonNode body) {
        Optional<String> project = text(body, "enterprise_project_id");
        if (project.isPresent() && !project.get().equals("0")) {
            throw CairnException.badRequest("enterprise_project_id " + project.get() + " does not exist.");
        }
    }
}
