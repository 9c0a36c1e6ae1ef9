package io.cairn.http.cinder;

import io.cairn.domain.Snapshot;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.RenderedViewCache;
import io.cairn.http.Router;
import io.cairn.service.EvsService;
import io.cairn.service.Page;

/**
 * The Cinder-compatible API under {@code /v2/{project_id}} as EVS serves it: the v3 resources at 3.0,
 * except where v2 differs. Its routes are added before the v3 resources', so they take precedence.
 */
public final class CinderV2Resource {
    private final EvsService evs;
    private final RenderedViewCache views;

    public CinderV2Resource(EvsService evs, RenderedViewCache views) {
        this.evs = evs;
        this.views = views;
    }

    /** Registers the v2 differences, then the shared resources on the same router. */
    public void register(Router v2, SnapshotResource snapshots, VolumeResource volumes) {
        v2.add("GET", "snapshots", r -> listSnapshots(r, false));
        v2.add("GET", "snapshots/detail", r -> listSnapshots(r, true));
        v2.add("POST", "volumes", this::createVolume);
        v2.add("DELETE", "volumes/{id}", this::deleteVolume);
        snapshots.register(v2);
        volumes.register(v2);
    }

    /** v2's snapshot lists also take availability_zone from every caller. */
    private ApiResponse listSnapshots(ApiRequest request, boolean detail) {
        Page<Snapshot> page = evs.listSnapshotsV2(request.caller(), request.query());
        return ApiResponse.ok(SnapshotView.loadedPage(request, views, page, detail, detail));
    }

    /** Cinder's create, with EVS's rule for the snapshot it starts from. */
    private ApiResponse createVolume(ApiRequest request) {
        return VolumeResource.created(
                request, evs.createVolume(request.caller(), VolumeResource.createRequest(request)));
    }

    /** On EVS a disk's snapshots go with it, and a disk whose rollback failed may be deleted. */
    private ApiResponse deleteVolume(ApiRequest request) {
        evs.deleteVolume(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
    }
}
