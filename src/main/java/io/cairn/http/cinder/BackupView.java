package io.cairn.http.cinder;

import io.cairn.domain.ApiVersion;
import io.cairn.domain.Backup;
import io.cairn.http.ApiRequest;
import io.cairn.http.Json;
import io.cairn.service.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A backup as Cinder shows it, per view and microversion. */
final class BackupView {
    private BackupView() {}

    /** The summary view: id, links and name (also what create, update and import answer). */
    static Map<String, Object> summary(ApiRequest request, Backup backup) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", backup.id());
        view.put("links", links(request, backup));
        view.put("name", backup.displayName());
        return view;
    }

    /** The detail view, with the project and user for callers the policy allows (3.18, 3.56). */
    static Map<String, Object> detail(ApiRequest request, Backup backup, boolean showsProject) {
        ApiVersion version = request.version();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", backup.id());
        view.put("status", backup.status().wire());
        view.put("size", backup.size());
        view.put("object_count", backup.objectCount());
        view.put("availability_zone", backup.availabilityZone());
        view.put("container", backup.container());
        view.put("created_at", Json.timestamp(backup.createdAt()));
        view.put("updated_at", Json.timestamp(backup.updatedAt()));
        view.put("name", backup.displayName());
        view.put("description", backup.displayDescription());
        view.put("fail_reason", backup.failReason());
        view.put("volume_id", backup.volumeId());
        view.put("links", links(request, backup));
        view.put("is_incremental", backup.isIncremental());
        view.put("has_dependent_backups", backup.hasDependentBackups());
        view.put("snapshot_id", backup.snapshotId().orElse(null));
        view.put("data_timestamp", Json.timestamp(backup.dataTimestamp()));
        if (showsProject && version.atLeast(ApiVersion.BACKUP_PROJECT)) {
            view.put("os-backup-project-attr:project_id", backup.projectId());
        }
        if (version.atLeast(ApiVersion.BACKUP_METADATA)) {
            view.put("metadata", backup.metadata());
        }
        if (showsProject && version.atLeast(ApiVersion.BACKUP_USER_ID)) {
            view.put("user_id", backup.userId());
        }
        return view;
    }

    static Map<String, Object> page(ApiRequest request, Page<Backup> page, boolean detail, boolean showsProject) {
        List<Map<String, Object>> items = page.items().stream()
                .map(b -> detail ? detail(request, b, showsProject) : summary(request, b))
                .toList();
        String lastId = page.items().isEmpty() ? null : page.items().getLast().id();
        return Links.collection(request, "backups", detail ? "backups/detail" : "backups", items, page, lastId);
    }

    private static List<Map<String, Object>> links(ApiRequest request, Backup backup) {
        String self = request.collectionUrl("backups") + "/" + backup.id();
        String bookmark = self.replaceFirst("/v3/", "/");
        return List.of(Links.link("self", self), Links.link("bookmark", bookmark));
    }
}
