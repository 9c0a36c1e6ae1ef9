package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.RowVersion;
import io.cairn.domain.Snapshot;
import io.cairn.http.ApiRequest;
import io.cairn.http.Json;
import io.cairn.http.RenderedViewCache;
import io.cairn.service.Page;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.jsontype.TypeSerializer;

/**
 * A snapshot as Cinder shows it, per view and microversion. The view writes itself to the JSON generator,
 * key by key: a list page renders thousands of these a second, and a map per snapshot with a serializer
 * lookup per value was a third of a list request's time.
 */
final class SnapshotView implements JacksonSerializable {
    private final Snapshot snapshot;
    /** The detail view's microversion; null for the summary view. */
    private final ApiVersion version;

    private final boolean extended;

    private SnapshotView(Snapshot snapshot, ApiVersion version, boolean extended) {
        this.snapshot = snapshot;
        this.version = version;
        this.extended = extended;
    }

    /** The summary view: the nine keys every snapshot always has. */
    static SnapshotView summary(Snapshot snapshot) {
        return new SnapshotView(snapshot, null, false);
    }

    /**
     * The detail view: the summary plus the keys of later microversions, and the extended attributes when
     * {@code extended} (show and detail list, for callers the policy allows).
     */
    static SnapshotView detail(Snapshot snapshot, ApiVersion version, boolean extended) {
        return new SnapshotView(snapshot, version, extended);
    }

    /** The microversions at which the detail view gains keys, oldest first. */
    private static final List<ApiVersion> DETAIL_STEPS =
            List.of(ApiVersion.GROUP_SNAPSHOTS, ApiVersion.SNAPSHOT_USER_ID, ApiVersion.CONSUMES_QUOTA);

    private static final RenderedViewCache.Variant SUMMARY = new RenderedViewCache.Variant("snapshot summary");

    /**
     * The variant whose bytes a view has: the summary, or the detail per range of microversions between the
     * steps and with or without the extended attributes.
     */
    private static RenderedViewCache.Variant variant(ApiVersion version, boolean extended) {
        if (version == null) {
            return SUMMARY;
        }
        int step = (int) DETAIL_STEPS.stream().filter(version::atLeast).count();
        return new RenderedViewCache.Variant("snapshot detail " + step + (extended ? " extended" : ""));
    }

    private byte[] bytes() {
        return Json.MAPPER.writeValueAsBytes(this);
    }

    /**
     * A list response: the page's views (each kept per row version, the rest loaded and rendered), then its
     * links and count.
     */
    static Map<String, Object> page(
            ApiRequest request,
            RenderedViewCache views,
            Page<RowVersion> page,
            Function<Collection<String>, List<Snapshot>> load,
            boolean detail,
            boolean extended) {
        ApiVersion version = detail ? request.version() : null;
        List<RenderedViewCache.Raw> items = views.page(
                page.items(),
                variant(version, extended),
                load,
                Snapshot::id,
                Snapshot::version,
                s -> new SnapshotView(s, version, extended).bytes());
        String lastId = items.isEmpty() ? null : items.getLast().id();
        return Links.collection(request, "snapshots", detail ? "snapshots/detail" : "snapshots", items, page, lastId);
    }

    /** A list response of rows already read (EVS's v2 lists), each view kept per row version. */
    static Map<String, Object> loadedPage(
            ApiRequest request, RenderedViewCache views, Page<Snapshot> page, boolean detail, boolean extended) {
        ApiVersion version = detail ? request.version() : null;
        RenderedViewCache.Variant variant = variant(version, extended);
        List<RenderedViewCache.Raw> items = page.items().stream()
                .map(s -> views.one(
                        s, s.id(), s.version(), variant, item -> new SnapshotView(item, version, extended).bytes()))
                .toList();
        String lastId = items.isEmpty() ? null : items.getLast().id();
        return Links.collection(request, "snapshots", detail ? "snapshots/detail" : "snapshots", items, page, lastId);
    }

    /** Show's detail view of the row, kept per row version; empty when the row is gone since it was read. */
    static Optional<RenderedViewCache.Raw> shown(
            RenderedViewCache views,
            RowVersion row,
            Function<Collection<String>, List<Snapshot>> load,
            ApiVersion version,
            boolean extended) {
        return views
                .page(
                        List.of(row),
                        variant(version, extended),
                        load,
                        Snapshot::id,
                        Snapshot::version,
                        s -> detail(s, version, extended).bytes())
                .stream()
                .findFirst();
    }

    @Override
    public void serialize(JsonGenerator json, SerializationContext context) {
        json.writeStartObject();
        json.writeStringProperty("id", snapshot.id());
        json.writeStringProperty("created_at", Json.timestamp(snapshot.createdAt()));
        json.writeStringProperty("updated_at", Json.timestamp(snapshot.updatedAt()));
        json.writeStringProperty("name", snapshot.displayName());
        json.writeStringProperty("description", snapshot.displayDescription());
        json.writeStringProperty("volume_id", snapshot.volumeId());
        json.writeStringProperty("status", snapshot.status().wire());
        json.writeNumberProperty("size", snapshot.volumeSize());
        json.writeName("metadata");
        json.writeStartObject();
        for (Map.Entry<String, String> pair : snapshot.metadata().entrySet()) {
            json.writeStringProperty(pair.getKey(), pair.getValue());
        }
        json.writeEndObject();
        if (version != null) {
            if (version.atLeast(ApiVersion.GROUP_SNAPSHOTS)) {
                json.writeStringProperty("group_snapshot_id", snapshot.groupSnapshotId());
            }
            if (version.atLeast(ApiVersion.SNAPSHOT_USER_ID)) {
                json.writeStringProperty("user_id", snapshot.userId());
            }
            if (version.atLeast(ApiVersion.CONSUMES_QUOTA)) {
                json.writeBooleanProperty("consumes_quota", snapshot.useQuota());
            }
            if (extended) {
                json.writeStringProperty("os-extended-snapshot-attributes:project_id", snapshot.projectId());
                json.writeStringProperty("os-extended-snapshot-attributes:progress", snapshot.progress());
            }
        }
        json.writeEndObject();
    }

    @Override
    public void serializeWithType(JsonGenerator json, SerializationContext context, TypeSerializer types) {
        serialize(json, context); // views are never written with type information
    }
}
