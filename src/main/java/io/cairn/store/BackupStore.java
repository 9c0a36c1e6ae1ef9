package io.cairn.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;

import io.cairn.domain.Backup;
import io.cairn.domain.BackupGuard;
import io.cairn.domain.BackupStatus;
import io.cairn.domain.Transition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backup rows and their metadata, and the references backups hold on chunk objects. Reads see live rows only;
 * status changes are compare-and-set, as for snapshots.
 */
public final class BackupStore {
    static final ResourceTable TABLE =
            new ResourceTable("backups", ResourceTable.MetadataTable.of("backup_metadata", "backup_id"));
    private static final Field<String> ID = TABLE.id;
    private static final Field<String> PROJECT_ID = TABLE.projectId;
    private static final Field<String> USER_ID = TABLE.string("user_id");
    private static final Field<String> VOLUME_ID = TABLE.string("volume_id");
    private static final Field<String> SNAPSHOT_ID = TABLE.string("snapshot_id");
    private static final Field<String> PARENT_ID = TABLE.string("parent_id");
    private static final Field<String> STATUS = TABLE.string("status");
    private static final Field<String> FAIL_REASON = TABLE.string("fail_reason");
    private static final Field<Integer> SIZE = TABLE.column("size", SQLDataType.INTEGER);
    private static final Field<Integer> OBJECT_COUNT = TABLE.column("object_count", SQLDataType.INTEGER);
    private static final Field<Integer> DEPENDENT_BACKUPS = TABLE.column("num_dependent_backups", SQLDataType.INTEGER);
    private static final Field<String> AVAILABILITY_ZONE = TABLE.string("availability_zone");
    private static final Field<String> CONTAINER = TABLE.string("container");
    private static final Field<String> DISPLAY_NAME = TABLE.string("display_name");
    private static final Field<String> DISPLAY_DESCRIPTION = TABLE.string("display_description");
    private static final Field<String> BASE_SNAPSHOT_ID = TABLE.string("base_snapshot_id");
    private static final Field<String> RESTORE_VOLUME_ID = TABLE.string("restore_volume_id");
    private static final Field<String> VOLUME_META = field(name("backups", "volume_meta"), SQLDataType.CLOB);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Field<String> IMPORTED_FROM = TABLE.string("imported_from");
    private static final Field<Long> DATA_TIMESTAMP = TABLE.time("data_timestamp");
    private static final Field<Long> CREATED_AT = TABLE.time("created_at");
    private static final Field<Long> UPDATED_AT = TABLE.time("updated_at");
    private static final Field<Long> DELETED_AT = TABLE.time("deleted_at");

    /** The backups table again, for the guard that looks for a backup's children. */
    private static final Table<Record> CHILDREN = TABLE.table.as("children");

    private static final Field<String> CHILD_PARENT_ID = field(name("children", "parent_id"), SQLDataType.VARCHAR);
    private static final Field<Boolean> CHILD_DELETED = field(name("children", "deleted"), SQLDataType.BOOLEAN);

    private static final Table<Record> OBJECTS = table(name("backup_objects"));
    private static final Field<String> OBJECT_CONTAINER =
            field(name("backup_objects", "container"), SQLDataType.VARCHAR);
    private static final Field<String> OBJECT_HASH = field(name("backup_objects", "hash"), SQLDataType.VARCHAR);
    private static final Table<Record> CHUNKS = table(name("backup_chunks"));
    private static final Field<String> CHUNK_BACKUP = field(name("backup_chunks", "backup_id"), SQLDataType.VARCHAR);
    private static final Field<String> CHUNK_CONTAINER = field(name("backup_chunks", "container"), SQLDataType.VARCHAR);
    private static final Field<String> CHUNK_HASH = field(name("backup_chunks", "hash"), SQLDataType.VARCHAR);

    static {
        TABLE.notNull("user_id", "volume_id", "status", "size", "object_count", "data_timestamp");
        TABLE.select(
                ID,
                PROJECT_ID,
                USER_ID,
                VOLUME_ID,
                SNAPSHOT_ID,
                PARENT_ID,
                STATUS,
                FAIL_REASON,
                SIZE,
                OBJECT_COUNT,
                DEPENDENT_BACKUPS,
                AVAILABILITY_ZONE,
                CONTAINER,
                DISPLAY_NAME,
                DISPLAY_DESCRIPTION,
                BASE_SNAPSHOT_ID,
                RESTORE_VOLUME_ID,
                IMPORTED_FROM,
                DATA_TIMESTAMP,
                CREATED_AT,
                UPDATED_AT);
    }

    private final Database database;
    private final DSLContext dsl;
    private final ListSource<Backup> listSource;

    public BackupStore(Database database) {
        this.database = database;
        this.dsl = database.dsl();
        this.listSource = new TableListSource<>(dsl, TABLE, BackupStore::toBackup);
    }

    /** The live backups, paged by the shared list rules. */
    public ListSource<Backup> listSource() {
        return listSource;
    }

    /** What a backup keeps of its source volume besides the data, for a restore to write back. */
    public record VolumeMeta(String name, String description, Map<String, String> metadata) {}

    public void insert(DSLContext tx, Backup backup, VolumeMeta volumeMeta) {
        tx.insertInto(TABLE.table)
                .set(ID, backup.id())
                .set(PROJECT_ID, backup.projectId())
                .set(USER_ID, backup.userId())
                .set(VOLUME_ID, backup.volumeId())
                .set(SNAPSHOT_ID, backup.snapshotId().orElse(null))
                .set(PARENT_ID, backup.parentId().orElse(null))
                .set(STATUS, backup.status().wire())
                .set(FAIL_REASON, backup.failReason())
                .set(SIZE, backup.size())
                .set(OBJECT_COUNT, backup.objectCount())
                .set(DEPENDENT_BACKUPS, backup.dependentBackups())
                .set(AVAILABILITY_ZONE, backup.availabilityZone())
                .set(CONTAINER, backup.container())
                .set(DISPLAY_NAME, backup.displayName())
                .set(DISPLAY_DESCRIPTION, backup.displayDescription())
                .set(BASE_SNAPSHOT_ID, backup.baseSnapshotId().orElse(null))
                .set(IMPORTED_FROM, backup.importedFrom().orElse(null))
                .set(DATA_TIMESTAMP, Micros.of(backup.dataTimestamp()))
                .set(CREATED_AT, Micros.of(backup.createdAt()))
                .set(UPDATED_AT, Micros.of(backup.updatedAt()))
                .set(VOLUME_META, JSON.writeValueAsString(volumeMeta))
                .set(TABLE.deleted, false)
                .execute();
        Listing.replaceMetadata(tx, TABLE.metadata, backup.id(), backup.metadata());
    }

    public VolumeMeta volumeMeta(DSLContext tx, String id) {
        String json = tx.select(VOLUME_META).from(TABLE.table).where(ID.eq(id)).fetchOne(VOLUME_META);
        return json == null ? new VolumeMeta(null, null, Map.of()) : JSON.readValue(json, VolumeMeta.class);
    }

    public Optional<Backup> find(String id, Optional<String> projectId) {
        return find(dsl, id, projectId);
    }

    public Optional<Backup> find(DSLContext tx, String id, Optional<String> projectId) {
        return Listing.find(tx, TABLE, id, projectId, BackupStore::toBackup);
    }

    /** Whether a row with this id exists, live or deleted: an imported record may not reuse a live backup's id. */
    public Optional<BackupStatus> anyStatus(DSLContext tx, String id) {
        return tx.select(STATUS)
                .from(TABLE.table)
                .where(ID.eq(id))
                .fetchOptional(STATUS)
                .map(BackupStatus::fromWire);
    }

    /** Live backups of a volume, oldest first. */
    public List<Backup> findByVolume(DSLContext tx, String volumeId) {
        return Listing.rows(tx, TABLE, Map.of(VOLUME_ID, volumeId), BackupStore::toBackup);
    }

    /** The live backup a restore in progress writes onto this volume, if any. */
    public Optional<Backup> restoringInto(DSLContext tx, String volumeId) {
        return Listing.rows(tx, TABLE, Map.of(RESTORE_VOLUME_ID, volumeId), BackupStore::toBackup).stream()
                .filter(b -> b.status() == BackupStatus.RESTORING)
                .findFirst();
    }

    /**
     * Applies a request's transition as one conditional statement (see {@link StatusChanges}).
     *
     * @return false when the backup is not in a from-status: the request is refused
     */
    public boolean apply(DSLContext tx, Transition<BackupStatus, BackupGuard> transition, String id, Instant now) {
        return StatusChanges.apply(
                database, tx, TABLE, STATUS, UPDATED_AT, transition, BackupStatus::wire, BackupStore::guard, id, now);
    }

    private static Condition guard(BackupGuard guard) {
        return switch (guard) {
            case NO_DEPENDENT_BACKUPS ->
                notExists(
                        selectOne().from(CHILDREN).where(CHILD_PARENT_ID.eq(ID).and(CHILD_DELETED.isFalse())));
        };
    }

    /**
     * Ends work: moves the backup from {@code running} to {@code outcome}, soft-deleting it for {@code deleted}, and
     * recording the failure's reason when one is given.
     *
     * @return false when the backup left {@code running} meanwhile (an admin reset): the outcome is not written
     */
    public boolean finish(
            DSLContext tx,
            String id,
            BackupStatus running,
            BackupStatus outcome,
            Optional<String> failReason,
            Instant now) {
        Optional<Backup> backup = find(tx, id, Optional.empty());
        var update = tx.update(TABLE.table).set(STATUS, outcome.wire()).set(UPDATED_AT, Micros.of(now));
        if (outcome == BackupStatus.DELETED) {
            update = update.set(TABLE.deleted, true).set(DELETED_AT, Micros.of(now));
        }
        if (failReason.isPresent()) {
            update = update.set(FAIL_REASON, truncate(failReason.get()));
        }
        boolean finished = update.where(ID.eq(id).and(TABLE.live()).and(STATUS.eq(running.wire())))
                        .execute()
                == 1;
        if (finished) {
            // Cinder counts a child once it is made, and uncounts it when it goes (never below zero).
            int delta = outcome == BackupStatus.AVAILABLE && running == BackupStatus.CREATING
                    ? 1
                    : outcome == BackupStatus.DELETED ? -1 : 0;
            if (delta != 0) {
                backup.flatMap(Backup::parentId).ifPresent(parent -> countDependent(tx, parent, delta));
            }
        }
        return finished;
    }

    private static String truncate(String reason) {
        return reason.length() <= 255 ? reason : reason.substring(0, 255);
    }

    private static void countDependent(DSLContext tx, String parentId, int delta) {
        tx.update(TABLE.table)
                .set(DEPENDENT_BACKUPS, greatest(DEPENDENT_BACKUPS.plus(delta), inline(0)))
                .where(ID.eq(parentId))
                .execute();
    }

    /** Records what a finished backup holds: its object count and its base snapshot (or none). */
    public void recordData(DSLContext tx, String id, int objectCount, Optional<String> baseSnapshotId) {
        tx.update(TABLE.table)
                .set(OBJECT_COUNT, objectCount)
                .set(BASE_SNAPSHOT_ID, baseSnapshotId.orElse(null))
                .where(ID.eq(id))
                .execute();
    }

    public void updateObjectCount(DSLContext tx, String id, int objectCount) {
        set(tx, id, OBJECT_COUNT, objectCount);
    }

    /** Forgets the engine snapshot a backup kept: it was deleted. */
    public void clearBaseSnapshot(DSLContext tx, String id) {
        set(tx, id, BASE_SNAPSHOT_ID, null);
    }

    /** Records (or clears) the volume a restore writes to. */
    public void setRestoreVolume(DSLContext tx, String id, Optional<String> volumeId) {
        set(tx, id, RESTORE_VOLUME_ID, volumeId.orElse(null));
    }

    private static <T> void set(DSLContext tx, String id, Field<T> column, T value) {
        tx.update(TABLE.table).set(column, value).where(ID.eq(id)).execute();
    }

    public void updateNameAndDescription(DSLContext tx, String id, String name, String description, Instant now) {
        tx.update(TABLE.table)
                .set(DISPLAY_NAME, name)
                .set(DISPLAY_DESCRIPTION, description)
                .set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(TABLE.live()))
                .execute();
    }

    public void replaceMetadata(DSLContext tx, String id, Map<String, String> metadata) {
        Listing.replaceMetadata(tx, TABLE.metadata, id, metadata);
    }

    /** Whether a live backup builds on this one, whatever its status. */
    public boolean hasChildren(DSLContext tx, String id) {
        return tx.fetchExists(TABLE.table, PARENT_ID.eq(id).and(TABLE.live()));
    }

    /** Removes a soft-deleted row for good, so that an exported record can be imported again under its id. */
    public void purgeDeleted(DSLContext tx, String id) {
        Listing.replaceMetadata(tx, TABLE.metadata, id, Map.of());
        tx.deleteFrom(TABLE.table).where(ID.eq(id).and(TABLE.deleted.isTrue())).execute();
    }

    public boolean lockIfInStatus(DSLContext tx, String id, BackupStatus status) {
        return Listing.lockIfInStatus(database, tx, TABLE, id, status.wire());
    }

    public List<String> idsInStatus(BackupStatus status) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live().and(STATUS.eq(status.wire())))
                .fetch(ID);
    }

    // References to chunk objects.

    /**
     * Records, in a transaction of its own, that the backup references these chunk objects. It waits for a delete of
     * any of them in progress to commit (both lock the object's row), so once it returns, no delete removes them
     * until these references go: the caller may then look for each object and upload it when missing. Rows are
     * locked in hash order, so two backups sharing chunks never wait for each other in a cycle.
     */
    public void reference(String backupId, String container, java.util.Collection<String> hashes) {
        database.execute(tx -> {
            for (String hash : new java.util.TreeSet<>(hashes)) {
                lockObject(tx, container, hash);
                tx.insertInto(CHUNKS)
                        .set(CHUNK_BACKUP, backupId)
                        .set(CHUNK_CONTAINER, container)
                        .set(CHUNK_HASH, hash)
                        .onConflictDoNothing()
                        .execute();
            }
        });
    }

    /** The chunk objects a backup references. */
    public List<String> referencedHashes(String backupId) {
        return dsl.select(CHUNK_HASH)
                .from(CHUNKS)
                .where(CHUNK_BACKUP.eq(backupId))
                .fetch(CHUNK_HASH);
    }

    /** What the last reference's going asks of the object store. */
    @FunctionalInterface
    public interface ObjectRemoval {
        void remove(String container, String hash) throws java.io.IOException;
    }

    /**
     * Drops the backup's reference to one chunk object and, when it was the last, removes the object (with
     * {@code removal}, inside the transaction, holding the object's row) and its row: a reference recorded
     * meanwhile waits for the removal and then finds the object gone, so its writer uploads it again.
     */
    public void dereference(String backupId, String container, String hash, ObjectRemoval removal)
            throws java.io.IOException {
        try {
            database.execute(tx -> {
                lockObject(tx, container, hash);
                tx.deleteFrom(CHUNKS)
                        .where(CHUNK_BACKUP.eq(backupId).and(CHUNK_HASH.eq(hash)))
                        .execute();
                boolean referenced =
                        tx.fetchExists(CHUNKS, CHUNK_CONTAINER.eq(container).and(CHUNK_HASH.eq(hash)));
                if (!referenced) {
                    try {
                        removal.remove(container, hash);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    tx.deleteFrom(OBJECTS)
                            .where(OBJECT_CONTAINER.eq(container).and(OBJECT_HASH.eq(hash)))
                            .execute();
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Takes the object's row lock, creating the row first when the object has none. */
    private void lockObject(DSLContext tx, String container, String hash) {
        // An upsert that always updates locks the live row, or inserts one when a deleter just removed it: a plain
        // insert-if-absent and then SELECT FOR UPDATE could find no row and hold no lock.
        tx.insertInto(OBJECTS)
                .set(OBJECT_CONTAINER, container)
                .set(OBJECT_HASH, hash)
                .onConflict(OBJECT_CONTAINER, OBJECT_HASH)
                .doUpdate()
                .set(OBJECT_HASH, hash)
                .execute();
    }

    private static Backup toBackup(Listing.Row r, Map<String, String> metadata) {
        return new Backup(
                r.get(ID),
                r.get(PROJECT_ID),
                r.get(USER_ID),
                r.get(VOLUME_ID),
                Optional.ofNullable(r.get(SNAPSHOT_ID)),
                Optional.ofNullable(r.get(PARENT_ID)),
                BackupStatus.fromWire(r.get(STATUS)),
                r.get(FAIL_REASON),
                r.get(SIZE),
                r.get(OBJECT_COUNT),
                r.get(DEPENDENT_BACKUPS),
                r.get(AVAILABILITY_ZONE),
                r.get(CONTAINER),
                r.get(DISPLAY_NAME),
                r.get(DISPLAY_DESCRIPTION),
                Optional.ofNullable(r.get(BASE_SNAPSHOT_ID)),
                Optional.ofNullable(r.get(RESTORE_VOLUME_ID)),
                Optional.ofNullable(r.get(IMPORTED_FROM)),
                Micros.toInstant(r.get(DATA_TIMESTAMP)),
                Micros.toInstant(r.get(CREATED_AT)),
                Micros.toInstant(r.get(UPDATED_AT)),
                new LinkedHashMap<>(metadata));
    }
}
