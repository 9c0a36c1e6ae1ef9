package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Snapshot;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.SnapshotManage;
import io.cairn.service.SnapshotManagement;
import io.cairn.service.SnapshotManagement.Manageable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** Cinder's snapshot manage API: listing backend snapshots the database does not know, and managing one. */
public final class ManageableSnapshotResource {
    private static final JsonSchema MANAGE = JsonSchema.load("snapshot-manage");

    private final SnapshotManagement snapshots;

    public ManageableSnapshotResource(SnapshotManagement snapshots) {
        this.snapshots = snapshots;
    }

    public void register(Router router) {
        router.add("GET", "manageable_snapshots", ApiVersion.MANAGEABLE_RESOURCES, r -> list(r, false));
        router.add("GET", "manageable_snapshots/detail", ApiVersion.MANAGEABLE_RESOURCES, r -> list(r, true));
        router.add("POST", "manageable_snapshots", ApiVersion.MANAGEABLE_RESOURCES, this::manage);
        // The legacy extension is still routed, at any microversion.
        router.add("POST", "os-snapshot-manage", this::manage);
    }

    private ApiResponse list(ApiRequest request, boolean detail) {
        List<Map<String, Object>> items = snapshots
                .manageable(request.caller(), request.version().atLeast(ApiVersion.MANAGEABLE_CLUSTER), request.query())
                .stream()
                .map(m -> view(m, detail))
                .toList();
        return ApiResponse.ok(ApiResponse.wrap("manageable-snapshots", items));
    }

    /** The engine does not record which volume a snapshot came from, so the source reference is unknown (null). */
    private static Map<String, Object> view(Manageable manageable, boolean detail) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("reference", Map.of("source-name", manageable.reference()));
        view.put("size", manageable.size());
        view.put("safe_to_manage", true);
        view.put("source_reference", null);
        if (detail) {
            view.put("reason_not_safe", null);
            view.put("extra_info", null);
            view.put("cinder_id", null);
        }
        return view;
    }

    private ApiResponse manage(ApiRequest request) {
        JsonNode body = request.body(MANAGE).get("snapshot");
        JsonNode ref = body.get("ref");
        Optional<String> sourceName = ref.path("source-name").isString()
                ? Optional.of(ref.get("source-name").asString())
                : Optional.empty();
        SnapshotManage manage = new SnapshotManage(
                body.get("volume_id").asString(),
                pythonRepr(ref),
                sourceName,
                text(body, "name"),
                text(body, "description"),
                Bodies.metadata(body.get("metadata")));
        Snapshot snapshot = snapshots.manage(request.caller(), manage);
        // Cinder answers a manage with the summary keys at any microversion.
        return ApiResponse.accepted(ApiResponse.wrap("snapshot", SnapshotView.summary(snapshot)));
    }

    private static String text(JsonNode body, String name) {
        return body.path(name).isString() ? body.get(name).asString() : null;
    }

    /** The reference as Cinder's messages print it, Python's dict repr: {'source-name': 'x'}. */
    private static String pythonRepr(JsonNode ref) {
        if (ref == null || ref.isNull()) {
            return "None";
        }
        return ref.properties().stream()
                .map(e -> "'" + e.getKey() + "': "
                        + (e.getValue().isString()
                                ? "'" + e.getValue().asString() + "'"
                                : e.getValue().toString()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
