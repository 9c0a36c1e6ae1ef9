package io.cairn.http.evs;

import static io.cairn.http.evs.EvsBodies.field;
import static io.cairn.http.evs.EvsBodies.metadata;
import static io.cairn.http.evs.EvsBodies.object;
import static io.cairn.http.evs.EvsBodies.text;

import io.cairn.domain.CairnException;
import io.cairn.domain.Snapshot;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.QueryString;
import io.cairn.http.RenderedViewCache;
import io.cairn.http.Router;
import io.cairn.service.EvsService;
import io.cairn.service.SnapshotCreate;
import io.cairn.service.SnapshotService;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * EVS's native snapshot API under {@code /v2/{project_id}/cloudsnapshots}, as the Huawei SDK's EvsClient
 * calls it, and the legacy {@code os-vendor-snapshots/{id}/rollback}: parse, call one service method,
 * render one view.
 */
public final class CloudSnapshotResource {
    private final EvsService evs;
    private final SnapshotService snapshots;
    private final RenderedViewCache views;

    public CloudSnapshotResource(EvsService evs, SnapshotService snapshots, RenderedViewCache views) {
        this.evs = evs;
        this.snapshots = snapshots;
        this.views = views;
    }

    /** The native routes, for the v2 router. */
    public void register(Router v2) {
        v2.add("POST", "cloudsnapshots", this::create);
        v2.add("GET", "cloudsnapshots/detail", this::list);
        v2.add("GET", "cloudsnapshots/{id}", this::show);
        v2.add("PUT", "cloudsnapshots/{id}", this::update);
        v2.add("DELETE", "cloudsnapshots/{id}", this::delete);
        v2.add("POST", "cloudsnapshots/{id}/rollback", this::rollback);
        registerLegacyRollback(v2);
    }

    /** The deprecated rollback, which EVS serves under both /v2 and /v3. */
    public void registerLegacyRollback(Router router) {
        router.add("POST", "os-vendor-snapshots/{id}/rollback", this::rollback);
    }

    private ApiResponse create(ApiRequest request) {
        JsonNode body = object(request.body(), "snapshot");
        String volumeId = text(body, "volume_id").orElse(null);
        if (body.has("force") && !body.get("force").isBoolean()) {
            throw CairnException.invalidInput("force must be a boolean.");
        }
        Snapshot snapshot = evs.createSnapshot(
                request.caller(),
                new SnapshotCreate(
                        volumeId,
                        text(body, "name").orElse(null),
                        text(body, "description").orElse(null),
                        Optional.empty(),
                        metadata(body.get("metadata"))));
        return ApiResponse.accepted(ApiResponse.wrap("snapshot", CloudSnapshotView.details(snapshot)));
    }

    private ApiResponse list(ApiRequest request) {
        EvsService.SnapshotPage page = evs.listSnapshots(request.caller(), request.query());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", page.count());
        body.put("snapshots", CloudSnapshotView.listItems(views, page.items()));
        List<Object> links = new ArrayList<>();
        if (page.hasMore() && !page.items().isEmpty()) {
            // EVS pages by offset (no marker): the next page is the same request further on.
            List<Map.Entry<String, String>> params = new ArrayList<>();
            request.query().stream()
                    .filter(e -> !e.getKey().equals("offset") && !e.getKey().equals("limit"))
                    .forEach(params::add);
            params.add(new SimpleImmutableEntry<>("limit", Integer.toString(page.limit())));
            params.add(new SimpleImmutableEntry<>(
                    "offset", Integer.toString(page.offset() + page.items().size())));
            Map<String, Object> next = new LinkedHashMap<>();
            next.put("href", request.collectionUrl("cloudsnapshots/detail") + "?" + QueryString.encode(params));
            next.put("rel", "next");
            links.add(next);
        }
        body.put("snapshots_links", links);
        return ApiResponse.ok(body);
    }

    private ApiResponse show(ApiRequest request) {
        return ApiResponse.ok(ApiResponse.wrap(
                "snapshot", CloudSnapshotView.shown(views, snapshots.get(request.caller(), request.param("id")))));
    }

    private ApiResponse update(ApiRequest request) {
        JsonNode body = object(request.body(), "snapshot");
        Optional<Optional<String>> name = field(body, "name").or(() -> field(body, "display_name"));
        Optional<Optional<String>> description =
                field(body, "description").or(() -> field(body, "display_description"));
        if (name.isEmpty() && description.isEmpty()) {
            throw CairnException.invalidInput("Request body and URI mismatch.");
        }
        Snapshot updated = evs.updateSnapshot(request.caller(), request.param("id"), name, description);
        return ApiResponse.ok(ApiResponse.wrap("snapshot", CloudSnapshotView.details(updated)));
    }

    private ApiResponse delete(ApiRequest request) {
        snapshots.delete(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
    }

    private ApiResponse rollback(ApiRequest request) {
        JsonNode body = object(request.body(), "rollback");
        String volumeId = text(body, "volume_id").orElseThrow(() -> CairnException.invalidInput("invalid volume id!"));
        String name = text(body, "name").orElse(null);
        evs.rollback(request.caller(), request.param("id"), volumeId, name);
        // EVS answers with the disk's id alone, even when the request renames it.
        return ApiResponse.accepted(ApiResponse.wrap("rollback", ApiResponse.wrap("volume_id", volumeId)));
    }
}
