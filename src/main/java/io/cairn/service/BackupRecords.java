package io.cairn.service;

import io.cairn.domain.Backup;
import io.cairn.domain.BackupStatus;
import io.cairn.domain.BackupWork;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.store.BackupStore;
import io.cairn.store.Database;
import io.cairn.task.TaskQueue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cinder's export_record and import_record: a backup's row as a portable record (base64 JSON, the fields of Cinder's
 * backup object), so that a backup whose data is in the object store can be known to another deployment (or, with
 * another id, twice). An imported backup copies the exported one's manifest under its own id in its create work, so
 * each backup holds its own references to the chunks it shares.
 */
public final class BackupRecords {
    /** The driver name records carry, Cinder's for S3; clients check it names a Cinder backup driver. */
    public static final String BACKUP_SERVICE = "cinder.backup.drivers.s3.S3BackupDriver";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Database database;
    private final BackupStore backups;
    private final BackupService service;
    private final QuotaService quotas;
    private final TaskQueue tasks;
    private final Clock clock;

    public BackupRecords(
            Database database,
            BackupStore backups,
            BackupService service,
            QuotaService quotas,
            TaskQueue tasks,
            Clock clock) {
        this.database = database;
        this.backups = backups;
        this.service = service;
        this.quotas = quotas;
        this.tasks = tasks;
        this.clock = clock;
    }

    /** An exported record: the driver's name and the backup's row. */
    public record Exported(String backupService, String backupUrl) {}

    public Exported export(Caller caller, String id) {
        Backup backup = service.backup(database.dsl(), caller, id);
        Policy.EXPORT_BACKUP.authorize(caller);
        if (backup.status() != BackupStatus.AVAILABLE) {
            throw CairnException.invalidBackup(
                    "Backup status must be available and not " + backup.status().wire() + ".");
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", backup.id());
        record.put("user_id", backup.userId());
        record.put("project_id", backup.projectId());
        record.put("volume_id", backup.volumeId());
        record.put("host", null);
        record.put("availability_zone", backup.availabilityZone());
        record.put("container", backup.container());
        record.put("parent_id", backup.parentId().orElse(null));
        record.put("status", backup.status().wire());
        record.put("fail_reason", backup.failReason());
        record.put("size", backup.size());
        record.put("display_name", backup.displayName());
        record.put("display_description", backup.displayDescription());
        // Where the data is: the manifest of the backup that wrote it (the exported backup's own, or its source's).
        record.put("service_metadata", backup.id());
        record.put("service", BACKUP_SERVICE);
        record.put("object_count", backup.objectCount());
        record.put("temp_volume_id", null);
        record.put("temp_snapshot_id", null);
        record.put("num_dependent_backups", backup.dependentBackups());
        record.put("snapshot_id", backup.snapshotId().orElse(null));
        record.put("data_timestamp", timestamp(backup.dataTimestamp()));
        record.put("restore_volume_id", null);
        record.put("metadata", backup.metadata());
        record.put("encryption_key_id", null);
        record.put("created_at", timestamp(backup.createdAt()));
        record.put("updated_at", timestamp(backup.updatedAt()));
        record.put("deleted_at", null);
        record.put("deleted", false);
        record.put("driver_info", Map.of());
        String url = Base64.getEncoder()
                .encodeToString(JSON.writeValueAsString(record).getBytes(StandardCharsets.UTF_8));
        return new Exported(BACKUP_SERVICE, url);
    }

    /**
     * Records a backup from an exported record, under the record's id, in the caller's project; its create work
     * copies the data's manifest and then makes it available.
     */
    public Backup importRecord(Caller caller, String backupService, String backupUrl) {
        Policy.IMPORT_BACKUP.authorize(caller);
        String container = service.requireService(Optional.empty());
        JsonNode record = decode(backupUrl);
        String id = text(record, "id")
                .orElseThrow(() -> CairnException.invalidInput("Provided backup record is missing an id"));
        if (!record.path("size").canConvertToInt()) {
            throw CairnException.invalidInput("Provided backup record is missing size attribute");
        }
        int size = record.get("size").asInt();
        requireRecord(UUID_LIKE.matcher(id).matches(), "its id is no uuid");
        requireRecord(size >= 0, "its size is negative");
        for (String field : List.of("volume_id", "snapshot_id")) {
            requireRecord(
                    text(record, field).map(v -> UUID_LIKE.matcher(v).matches()).orElse(true),
                    "its " + field + " is no uuid");
        }
        for (String field : List.of("display_name", "display_description", "container", "availability_zone")) {
            requireRecord(
                    text(record, field).map(v -> v.length() <= 255).orElse(true), "its " + field + " is too long");
        }
        record.path("metadata")
                .properties()
                .forEach(e -> requireRecord(
                        e.getKey().length() <= 255
                                && e.getValue().isString()
                                && e.getValue().asString().length() <= 255,
                        "its metadata is not 255-character strings"));
        String source = text(record, "service_metadata")
                .orElseThrow(() -> CairnException.invalidInput("Provided backup record names no backup data"));
        Instant now = Lookup.now(clock);
        Backup imported = database.transaction(tx -> {
            Optional<BackupStatus> existing = backups.anyStatus(tx, id);
            if (existing.isPresent() && existing.get() != BackupStatus.DELETED) {
                throw CairnException.invalidBackup("Backup already exists in database.");
            }
            existing.ifPresent(deleted -> backups.purgeDeleted(tx, id));
            quotas.reserve(
                    tx, caller.projectId(), Map.of(QuotaService.BACKUPS, 1L, QuotaService.BACKUP_GIGABYTES, (long)
                            size));
            Map<String, String> metadata = new LinkedHashMap<>();
            record.path("metadata")
                    .properties()
                    .forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
            Backup backup = new Backup(
                    id,
                    caller.projectId(),
                    caller.userId(),
                    text(record, "volume_id").orElse("00000000-0000-0000-0000-000000000000"),
                    text(record, "snapshot_id"),
                    Optional.empty(),
                    BackupStatus.CREATING,
                    null,
                    size,
                    0,
                    0,
                    text(record, "availability_zone").orElse(null),
                    text(record, "container").orElse(container),
                    text(record, "display_name").orElse(null),
                    text(record, "display_description").orElse(null),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(source),
                    now,
                    now,
                    now,
                    metadata);
            backups.insert(tx, backup, new BackupStore.VolumeMeta(null, null, Map.of()));
            tasks.enqueue(tx, BackupWork.CREATE_BACKUP, id);
            return backup;
        });
        tasks.wake();
        return imported;
    }

    /** Times as Cinder's records carry them: ISO 8601 to the microsecond, UTC. */
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
            .withZone(java.time.ZoneOffset.UTC);

    private static String timestamp(Instant instant) {
        return instant == null ? null : TIME.format(instant);
    }

    private static final java.util.regex.Pattern UUID_LIKE = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    private static void requireRecord(boolean holds, String problem) {
        if (!holds) {
            throw CairnException.invalidInput("Provided backup record is invalid: " + problem);
        }
    }

    private static JsonNode decode(String backupUrl) {
        byte[] json;
        try {
            json = Base64.getDecoder().decode(backupUrl);
        } catch (IllegalArgumentException e) {
            throw CairnException.invalidInput("Can't decode backup record.");
        }
        try {
            JsonNode record = JSON.readTree(new String(json, StandardCharsets.UTF_8));
            if (!record.isObject()) {
                throw CairnException.invalidInput("Can't parse backup record.");
            }
            return record;
        } catch (JacksonException e) {
            throw CairnException.invalidInput("Can't parse backup record.");
        }
    }

    private static Optional<String> text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        return value != null && value.isString() ? Optional.of(value.asString()) : Optional.empty();
    }
}
