package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Snapshot;
import io.cairn.http.ApiRequest;
import io.cairn.http.Json;
import io.cairn.service.Page;
import java.util.List;
import java.util.Map;
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

    /** A list response: the page's views, then its links and count. */
    static Map<String, Object> page(ApiRequest request, Page<Snapshot> page, boolean detail, boolean extended) {
        List<SnapshotView> items = page.items().stream()
                .map(s -> detail ? detail(s, request.version(), extended) : summary(s))
                .toList();
        String lastId = page.items().isEmpty() ? null : page.items().getLast().id();
        return Links.collection(request, "snapshots", detail ? "snapshots/detail" : "snapshots", items, page, lastId);
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
