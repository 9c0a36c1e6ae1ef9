package io.cairn.http.cinder;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.Backup;
import io.cairn.domain.CairnException;
import io.cairn.domain.ErrorCode;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Faults;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.BackupRecords;
import io.cairn.service.BackupService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The Cinder v3 backup API: parse, call one service method, render one view. */
public final class BackupResource {
    private static final JsonSchema CREATE = JsonSchema.load("backup-create");
    private static final JsonSchema CREATE_WITH_METADATA = JsonSchema.load("backup-create-3.43");
    private static final JsonSchema CREATE_IN_ZONE = JsonSchema.load("backup-create-3.51");
    private static final JsonSchema UPDATE = JsonSchema.load("backup-update");
    private static final JsonSchema UPDATE_WITH_METADATA = JsonSchema.load("backup-update-3.43");
    private static final JsonSchema RESTORE = JsonSchema.load("backup-restore");
    private static final JsonSchema IMPORT = JsonSchema.load("backup-import");
    private static final JsonSchema RESET_STATUS = JsonSchema.load("backup-reset-status");

    private final BackupService backups;
    private final BackupRecords records;

    public BackupResource(BackupService backups, BackupRecords records) {
        this.backups = backups;
        this.records = records;
    }

    public void register(Router router) {
        router.add("GET", "backups", r -> list(r, false));
        router.add("GET", "backups/detail", r -> list(r, true));
        router.add("POST", "backups", this::create);
        router.add("POST", "backups/import_record", this::importRecord);
        router.add("GET", "backups/{id}", this::show);
        router.add("PUT", "backups/{id}", this::update);
        router.add("DELETE", "backups/{id}", this::delete);
        router.add("POST", "backups/{id}/restore", this::restore);
        router.add("GET", "backups/{id}/export_record", this::exportRecord);
        router.add("POST", "backups/{id}/action", this::action);
    }

    private ApiResponse list(ApiRequest request, boolean detail) {
        var page = backups.list(request.caller(), request.version(), request.query());
        return ApiResponse.ok(BackupView.page(request, page, detail, backups.showsProject(request.caller())));
    }

    private ApiResponse show(ApiRequest request) {
        Backup backup = backups.get(request.caller(), request.param("id"));
        return ApiResponse.ok(
                ApiResponse.wrap("backup", BackupView.detail(request, backup, backups.showsProject(request.caller()))));
    }

    private ApiResponse create(ApiRequest request) {
        ApiVersion version = request.version();
        JsonSchema schema = version.atLeast(ApiVersion.BACKUP_AVAILABILITY_ZONE)
                ? CREATE_IN_ZONE
                : version.atLeast(ApiVersion.BACKUP_METADATA) ? CREATE_WITH_METADATA : CREATE;
        JsonNode body = request.body(schema).get("backup");
        Backup backup = backups.create(
                request.caller(),
                new BackupService.Create(
                        body.get("volume_id").asString(),
                        Bodies.optionalText(body, "snapshot_id"),
                        Bodies.optionalText(body, "container"),
                        Bodies.optionalText(body, "name").map(Bodies::strip).orElse(null),
                        Bodies.optionalText(body, "description")
                                .map(Bodies::strip)
                                .orElse(null),
                        flag(body, "incremental"),
                        flag(body, "force"),
                        body.path("metadata").isObject() ? Bodies.metadata(body.get("metadata")) : Map.of(),
                        Bodies.optionalText(body, "availability_zone")));
        return ApiResponse.accepted(ApiResponse.wrap("backup", BackupView.summary(request, backup)));
    }

    private ApiResponse update(ApiRequest request) {
        if (!request.version().atLeast(ApiVersion.BACKUP_UPDATE)) {
            throw Faults.notFound();
        }
        JsonSchema schema = request.version().atLeast(ApiVersion.BACKUP_METADATA) ? UPDATE_WITH_METADATA : UPDATE;
        JsonNode body = request.body(schema).get("backup");
        String id = request.param("id");
        Backup backup = backups.update(request.caller(), id, field(body, "name"), field(body, "description"));
        if (body.has("metadata")) {
            backup = backups.updateMetadata(request.caller(), id, Bodies.metadata(body.get("metadata")));
        }
        return ApiResponse.ok(ApiResponse.wrap("backup", BackupView.summary(request, backup)));
    }

    private ApiResponse delete(ApiRequest request) {
        backups.delete(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
    }

    private ApiResponse restore(ApiRequest request) {
        JsonNode body = request.body(RESTORE).get("restore");
        BackupService.Restored restored = backups.restore(
                request.caller(),
                request.param("id"),
                Bodies.optionalText(body, "volume_id"),
                Bodies.optionalText(body, "name").map(Bodies::strip));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("backup_id", restored.backupId());
        view.put("volume_id", restored.volumeId());
        view.put("volume_name", restored.volumeName());
        return ApiResponse.accepted(ApiResponse.wrap("restore", view));
    }

    private ApiResponse exportRecord(ApiRequest request) {
        BackupRecords.Exported exported = records.export(request.caller(), request.param("id"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("backup_service", exported.backupService());
        view.put("backup_url", exported.backupUrl());
        return ApiResponse.ok(ApiResponse.wrap("backup-record", view));
    }

    private ApiResponse importRecord(ApiRequest request) {
        JsonNode record = request.body(IMPORT).get("backup-record");
        Backup backup = records.importRecord(
                request.caller(),
                record.get("backup_service").asString(),
                record.get("backup_url").asString());
        return ApiResponse.json(201, ApiResponse.wrap("backup", BackupView.summary(request, backup)));
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
                backups.resetStatus(
                        request.caller(), id, body.get(action).get("status").asString());
            }
            case "os-force_delete" -> backups.forceDelete(request.caller(), id);
            default ->
                throw new CairnException(
                        ErrorCode.UNKNOWN_ACTION,
                        "There is no such action: " + action
                                + ". Verify the request body and Content-Type header and try again.");
        }
        return ApiResponse.empty(202);
    }

    /** Present in the body (possibly as null, which clears it)? Then its stripped value, empty for null. */
    private static Optional<Optional<String>> field(JsonNode body, String name) {
        return body.has(name) ? Optional.of(Bodies.optionalText(body, name).map(Bodies::strip)) : Optional.empty();
    }

    private static boolean flag(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        return value.isBoolean() ? value.asBoolean() : OsloBoolean.require(name, value.asString());
    }
}
