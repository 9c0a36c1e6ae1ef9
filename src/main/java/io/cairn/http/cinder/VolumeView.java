package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Caller;
import io.cairn.domain.RowVersion;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeAttachment;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTypes;
import io.cairn.http.ApiRequest;
import io.cairn.http.Json;
import io.cairn.http.RenderedViewCache;
import io.cairn.service.Page;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** A volume as Cinder shows it, per view, microversion and caller. */
final class VolumeView {
    private VolumeView() {}

    /** The microversions at which the detail view gains keys, oldest first. */
    private static final List<ApiVersion> DETAIL_STEPS = List.of(
            ApiVersion.VOLUME_GROUPS,
            ApiVersion.PROVIDER_ID,
            ApiVersion.SHARED_TARGETS,
            ApiVersion.CLUSTER_NAME,
            ApiVersion.VOLUME_TYPE_ID,
            ApiVersion.CONSUMES_QUOTA);

    /**
     * The variant whose bytes a list or show view has: summary or detail, the range of microversions between the
     * steps, the caller's admin and reader roles (detail only), and the links' base URL.
     */
    private static RenderedViewCache.Variant variant(ApiRequest request, boolean detail) {
        String base = request.collectionUrl("volumes");
        if (!detail) {
            return new RenderedViewCache.Variant("volume summary " + base);
        }
        ApiVersion version = request.version();
        int step = (int) DETAIL_STEPS.stream().filter(version::atLeast).count();
        Caller caller = request.caller();
        return new RenderedViewCache.Variant("volume detail " + step + (caller.isAdmin() ? " admin" : "")
                + (caller.isReader() ? " reader" : "") + " " + base);
    }

    /**
     * A list response: the page's views (each kept per row version, the rest loaded and rendered), then its
     * links and count.
     */
    static Map<String, Object> page(
            ApiRequest request,
            RenderedViewCache views,
            Page<RowVersion> page,
            Function<Collection<String>, List<Volume>> load,
            boolean detail) {
        List<RenderedViewCache.Raw> items = views.page(
                page.items(),
                variant(request, detail),
                load,
                Volume::id,
                Volume::version,
                v -> Json.MAPPER.writeValueAsBytes(detail ? detail(request, v, Extras.SHOWN) : summary(request, v)));
        String lastId = items.isEmpty() ? null : items.getLast().id();
        return Links.collection(request, "volumes", detail ? "volumes/detail" : "volumes", items, page, lastId);
    }

    /** Show's view of the row, kept per row version; empty when the row is gone since it was read. */
    static Optional<RenderedViewCache.Raw> shown(
            ApiRequest request,
            RenderedViewCache views,
            RowVersion row,
            Function<Collection<String>, List<Volume>> load) {
        return views
                .page(
                        List.of(row),
                        variant(request, true),
                        load,
                        Volume::id,
                        Volume::version,
                        v -> Json.MAPPER.writeValueAsBytes(detail(request, v, Extras.SHOWN)))
                .stream()
                .findFirst();
    }

    static Map<String, Object> summary(ApiRequest request, Volume volume) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", volume.id());
        view.put("name", volume.displayName());
        view.put("links", links(request, volume));
        return view;
    }

    /** What a response adds to the base detail view, which differs between create, update and show. */
    enum Extras {
        /** Create: the bare view. */
        NONE,
        /** Update: the visible admin metadata ({@code readonly}, {@code attached_mode}) merged into metadata. */
        ADMIN_METADATA,
        /** Show and detail list: the admin metadata and the os-vol-* attributes. */
        SHOWN
    }

    static Map<String, Object> detail(ApiRequest request, Volume volume, Extras extras) {
        ApiVersion version = request.version();
        Caller caller = request.caller();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", volume.id());
        view.put("status", status(volume.status()));
        view.put("size", volume.size());
        view.put("availability_zone", volume.availabilityZone());
        view.put("created_at", Json.timestamp(volume.createdAt()));
        view.put("updated_at", Json.timestamp(volume.updatedAt()));
        view.put("name", volume.displayName());
        view.put("description", volume.displayDescription());
        view.put(
                "volume_type",
                VolumeTypes.DEFAULT_ID.equals(volume.volumeTypeId())
                        ? VolumeTypes.DEFAULT_NAME
                        : volume.volumeTypeId());
        view.put("snapshot_id", volume.snapshotId());
        view.put("source_volid", volume.sourceVolid());
        Map<String, String> metadata = new LinkedHashMap<>(volume.metadata());
        if (extras != Extras.NONE) {
            for (String key : List.of("readonly", "attached_mode")) {
                if (volume.adminMetadata().containsKey(key)) {
                    metadata.put(key, volume.adminMetadata().get(key));
                }
            }
        }
        view.put("metadata", metadata);
        view.put("links", links(request, volume));
        view.put("user_id", volume.userId());
        view.put("bootable", Boolean.toString(volume.bootable()));
        view.put("encrypted", false);
        view.put("replication_status", null);
        view.put("consistencygroup_id", null);
        view.put("multiattach", volume.multiattach());
        view.put(
                "attachments",
                volume.attachments().stream().map(a -> attachment(a, caller)).toList());
        if (caller.isAdmin()) {
            view.put("migration_status", volume.migrationStatus());
        }
        if (version.atLeast(ApiVersion.VOLUME_GROUPS)) {
            view.put("group_id", volume.groupId());
        }
        if (version.atLeast(ApiVersion.PROVIDER_ID) && caller.isAdmin()) {
            view.put("provider_id", null);
        }
        if (version.atLeast(ApiVersion.SHARED_TARGETS)) {
            view.put("shared_targets", true);
            view.put("service_uuid", null);
        }
        if (version.atLeast(ApiVersion.CLUSTER_NAME) && caller.isAdmin()) {
            view.put("cluster_name", null);
        }
        if (version.atLeast(ApiVersion.VOLUME_TYPE_ID)) {
            view.put("volume_type_id", volume.volumeTypeId());
        }
        if (version.atLeast(ApiVersion.CONSUMES_QUOTA)) {
            view.put("consumes_quota", volume.useQuota());
        }
        if (extras == Extras.SHOWN) {
            if (caller.isReader()) {
                view.put("os-vol-tenant-attr:tenant_id", volume.projectId());
            }
            if (caller.isAdmin()) {
                view.put("os-vol-host-attr:host", volume.host());
                view.put("os-vol-mig-status-attr:migstat", volume.migrationStatus());
                view.put("os-vol-mig-status-attr:name_id", null);
            }
        }
        return view;
    }

    /** Cinder shows the manage statuses as the ones clients know (its fix for bug 1504007). */
    private static String status(VolumeStatus status) {
        return switch (status) {
            case MANAGING -> VolumeStatus.CREATING.wire();
            case ERROR_MANAGING -> VolumeStatus.ERROR.wire();
            default -> status.wire();
        };
    }

    private static Map<String, Object> attachment(VolumeAttachment attachment, Caller caller) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", attachment.volumeId());
        view.put("attachment_id", attachment.id());
        view.put("volume_id", attachment.volumeId());
        view.put("server_id", attachment.instanceUuid());
        view.put("host_name", caller.isAdmin() ? attachment.attachedHost() : null);
        view.put("device", attachment.mountpoint());
        view.put("attached_at", Json.timestamp(attachment.attachedAt()));
        return view;
    }

    private static List<Map<String, Object>> links(ApiRequest request, Volume volume) {
        String self = request.collectionUrl("volumes") + "/" + volume.id();
        String bookmark = self.replaceFirst("/v3/", "/");
        return List.of(Links.link("self", self), Links.link("bookmark", bookmark));
    }
}
