package io.cairn.http.cinder;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.RowVersion;
import io.cairn.domain.Snapshot;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Faults;
import io.cairn.http.RenderedViewCache;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.MetadataService;
import io.cairn.service.Page;
import io.cairn.service.SnapshotCreate;
import io.cairn.service.SnapshotManagement;
import io.cairn.service.SnapshotService;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The Cinder v3 snapshot API: parse, call one service method, render one view. */
public final class SnapshotResource {
    private static final JsonSchema CREATE = JsonSchema.load("snapshot-create");
    private static final JsonSchema UPDATE = JsonSchema.load("snapshot-update");
    private static final JsonSchema METADATA = JsonSchema.load("snapshot-metadata");
    private static final JsonSchema METADATA_ITEM = JsonSchema.load("snapshot-metadata-item");
    private static final JsonSchema RESET_STATUS = JsonSchema.load("snapshot-reset-status");
    private static final JsonSchema UPDATE_STATUS = JsonSchema.load("snapshot-update-status");

    private final SnapshotService snapshots;
    private final SnapshotManagement management;
    private final MetadataService metadata;
    private final RenderedViewCache views;

    public SnapshotResource(
            SnapshotService snapshots,
            SnapshotManagement management,
            MetadataService metadata,
            RenderedViewCache views) {
        this.snapshots = snapshots;
        this.management = management;
        this.metadata = metadata;
        this.views = views;
    }

    public void register(Router router) {
        router.add("GET", "snapshots", r -> list(r, false));
        router.add("GET", "snapshots/detail", r -> list(r, true));
        router.add("POST", "snapshots", this::create);
        router.add("GET", "snapshots/{id}", this::show);
        router.add("PUT", "snapshots/{id}", this::update);
        router.add("DELETE", "snapshots/{id}", this::delete);
        router.add("POST", "snapshots/{id}/action", this::action);
        router.add("GET", "snapshots/{id}/metadata", this::metadata);
        router.add("POST", "snapshots/{id}/metadata", r -> updateMetadata(r, false));
        router.add("PUT", "snapshots/{id}/metadata", r -> updateMetadata(r, true));
        router.add("GET", "snapshots/{id}/metadata/{key}", this::metadataItem);
        router.add("PUT", "snapshots/{id}/metadata/{key}", this::updateMetadataItem);
        router.add("DELETE", "snapshots/{id}/metadata/{key}", this::deleteMetadataItem);
        new ManageableSnapshotResource(management).register(router);
        new ResourceFilterResource().register(router);
    }

    private ApiResponse list(ApiRequest request, boolean detail) {
        Caller caller = request.caller();
        Page<RowVersion> page = snapshots.listVersions(caller, request.version(), request.query());
        boolean extended = detail && snapshots.showsExtendedAttributes(caller);
        return ApiResponse.ok(
                SnapshotView.page(request, views, page, ids -> snapshots.load(caller, ids), detail, extended));
    }

    private ApiResponse show(ApiRequest request) {
        Caller caller = request.caller();
        String id = request.param("id");
        RowVersion row = snapshots.getVersion(caller, id);
        return ApiResponse.ok(ApiResponse.wrap(
                "snapshot",
                SnapshotView.shown(
                                views,
                                row,
                                ids -> snapshots.load(caller, ids),
                                request.version(),
                                snapshots.showsExtendedAttributes(caller))
                        .orElseThrow(() -> CairnException.snapshotNotFound(id))));
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode body = request.body(CREATE).get("snapshot");
        // A present "name" wins over "display_name" even when it is null, as Cinder pops one into the other.
        String name = field(body, "name")
                .or(() -> field(body, "display_name"))
                .flatMap(v -> v)
                .orElse(null);
        Optional<Boolean> force = body.has("force")
                ? Optional.of(OsloBoolean.require("force", body.get("force").asString()))
                : Optional.empty();
        SnapshotCreate create = new SnapshotCreate(
                body.path("volume_id").isString() ? body.get("volume_id").asString() : null,
                Bodies.strip(name),
                Bodies.strip(Bodies.optionalText(body, "description").orElse(null)),
                force,
                Bodies.metadata(body.get("metadata")));
        Snapshot snapshot =
                snapshots.create(request.caller(), create, request.version().atLeast(ApiVersion.SNAPSHOT_IN_USE));
        return ApiResponse.accepted(
                ApiResponse.wrap("snapshot", SnapshotView.detail(snapshot, request.version(), false)));
    }

    private ApiResponse update(ApiRequest request) {
        JsonNode body = request.body(UPDATE).get("snapshot");
        Optional<Optional<String>> name = field(body, "name").or(() -> field(body, "display_name"));
        Optional<Optional<String>> description =
                field(body, "description").or(() -> field(body, "display_description"));
        Snapshot snapshot = snapshots.update(
                request.caller(),
                request.param("id"),
                name.map(v -> v.map(Bodies::strip)),
                description.map(v -> v.map(Bodies::strip)));
        return ApiResponse.ok(ApiResponse.wrap("snapshot", SnapshotView.detail(snapshot, request.version(), false)));
    }

    private ApiResponse delete(ApiRequest request) {
        snapshots.delete(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
    }

    private ApiResponse action(ApiRequest request) {
        JsonNode body = request.body();
        if (!body.isObject() || body.size() != 1) {
            throw Faults.malformedBody();
        }
        String action = body.propertyNames().iterator().next();
        String id = request.param("id");
        switch (action) {
            case "os-reset_status" -> {
                RESET_STATUS.validate(body);
                snapshots.resetStatus(
                        request.caller(), id, body.get(action).get("status").asString());
            }
            case "os-update_snapshot_status" -> {
                UPDATE_STATUS.validate(body);
                JsonNode update = body.get(action);
                snapshots.updateStatus(
                        request.caller(),
                        id,
                        update.get("status").asString(),
                        update.path("progress").isString()
                                ? update.get("progress").asString()
                                : null);
            }
            case "os-force_delete" -> snapshots.forceDelete(request.caller(), id);
            case "os-unmanage" -> management.unmanage(request.caller(), id);
            default ->
                throw new CairnException(
                        ErrorCode.UNKNOWN_ACTION,
                        "There is no such action: " + action
                                + ". Verify the request body and Content-Type header and try again.");
        }
        return ApiResponse.empty(202);
    }

    private ApiResponse metadata(ApiRequest request) {
        return ApiResponse.ok(ApiResponse.wrap("metadata", metadata.metadata(request.caller(), request.param("id"))));
    }

    private ApiResponse updateMetadata(ApiRequest request, boolean replace) {
        Map<String, String> changes = Bodies.metadata(request.body(METADATA).get("metadata"));
        return ApiResponse.ok(
                ApiResponse.wrap("metadata", metadata.update(request.caller(), request.param("id"), changes, replace)));
    }

    private ApiResponse metadataItem(ApiRequest request) {
        String key = request.param("key");
        String value = metadata.item(request.caller(), request.param("id"), key);
        return ApiResponse.ok(ApiResponse.wrap("meta", ApiResponse.wrap(key, value)));
    }

    private ApiResponse updateMetadataItem(ApiRequest request) {
        Map<String, String> item = Bodies.metadata(request.body(METADATA_ITEM).get("meta"));
        String key = request.param("key");
        if (!item.containsKey(key)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "Request body and URI mismatch");
        }
        metadata.update(request.caller(), request.param("id"), item, false);
        return ApiResponse.ok(ApiResponse.wrap("meta", item));
    }

    private ApiResponse deleteMetadataItem(ApiRequest request) {
        metadata.deleteItem(request.caller(), request.param("id"), request.param("key"));
        return new ApiResponse(200, null, Map.of());
    }

    /** Present in the body (possibly as null)? Then its value, which may be empty for null. */
    private static Optional<Optional<String>> field(JsonNode body, String name) {
        return body.has(name) ? Optional.of(Bodies.optionalText(body, name)) : Optional.empty();
    }
}
