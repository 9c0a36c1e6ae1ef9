package io.cairn.store;

import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

import io.cairn.domain.RowVersion;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Transition;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeAttachment;
import io.cairn.domain.VolumeGuard;
import io.cairn.domain.VolumeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Volume rows with their metadata, admin metadata and attachments. Reads see live rows only; status
 * changes are compare-and-set.
 */
public final class VolumeStore implements VersionedListSource<Volume> {
    static final ResourceTable TABLE =
            new ResourceTable("volumes", ResourceTable.MetadataTable.of("volume_metadata", "volume_id"));
    private static final Field<String> ID = TABLE.id;
    private static final Field<String> PROJECT_ID = TABLE.projectId;
    private static final Field<String> USER_ID = TABLE.string("user_id");
    private static final Field<String> STATUS = TABLE.string("status");
    private static final Field<String> ATTACH_STATUS = TABLE.string("attach_status");
    private static final Field<String> MIGRATION_STATUS = TABLE.string("migration_status");
    private static final Field<Integer> SIZE = TABLE.column("size", SQLDataType.INTEGER);
    private static final Field<String> AVAILABILITY_ZONE = TABLE.string("availability_zone");
    private static final Field<String> HOST = TABLE.string("host");
    private static final Field<String> DISPLAY_NAME = TABLE.string("display_name");
    private static final Field<String> DISPLAY_DESCRIPTION = TABLE.string("display_description");
    private static final Field<String> SNAPSHOT_ID = TABLE.string("snapshot_id");
    private static final Field<String> SOURCE_VOLID = TABLE.string("source_volid");
    private static final Field<String> VOLUME_TYPE_ID = TABLE.string("volume_type_id");
    private static final Field<String> GROUP_ID = TABLE.string("group_id");
    private static final Field<Boolean> BOOTABLE = TABLE.column("bootable", SQLDataType.BOOLEAN);
    private static final Field<Boolean> MULTIATTACH = TABLE.column("multiattach", SQLDataType.BOOLEAN);
    private static final Field<Boolean> USE_QUOTA = TABLE.column("use_quota", SQLDataType.BOOLEAN);
    private static final Field<Long> CREATED_AT = TABLE.time("created_at");
    private static final Field<Long> UPDATED_AT = TABLE.time("updated_at");
    private static final Field<Long> LAUNCHED_AT = TABLE.time("launched_at");
    private static final Field<Long> DELETED_AT = TABLE.time("deleted_at");
    private static final Field<String> PREVIOUS_STATUS = TABLE.string("previous_status");

    static {
        for (String column : List.of(
                "replication_status", "consistencygroup_id", "provider_id", "provider_location", "encryption_key_id")) {
            TABLE.string(column);
        }
        TABLE.time("scheduled_at");
        TABLE.time("terminated_at");
        TABLE.alsoMatchedMetadata.add(ResourceTable.MetadataTable.of("volume_admin_metadata", "volume_id"));
        TABLE.notNull(
                "user_id",
                "status",
                "attach_status",
                "size",
                "availability_zone",
                "bootable",
                "multiattach",
                "use_quota");
        TABLE.select(
                ID,
                PROJECT_ID,
                USER_ID,
                STATUS,
                ATTACH_STATUS,
                MIGRATION_STATUS,
                SIZE,
                AVAILABILITY_ZONE,
                HOST,
                DISPLAY_NAME,
                DISPLAY_DESCRIPTION,
                SNAPSHOT_ID,
                SOURCE_VOLID,
                VOLUME_TYPE_ID,
                GROUP_ID,
                BOOTABLE,
                MULTIATTACH,
                USE_QUOTA,
                CREATED_AT,
                UPDATED_AT,
                LAUNCHED_AT,
                PREVIOUS_STATUS,
                TABLE.version);
    }

    private static final Table<Record> ADMIN_METADATA = table(name("volume_admin_metadata"));
    private static final Field<String> ADMIN_VOLUME_ID =
            field(name("volume_admin_metadata", "volume_id"), SQLDataType.VARCHAR);
    private static final Field<String> ADMIN_KEY =
            field(name("volume_admin_metadata", "meta_key"), SQLDataType.VARCHAR);
    private static final Field<String> ADMIN_VALUE =
            field(name("volume_admin_metadata", "meta_value"), SQLDataType.VARCHAR);

    private static final String ATTACHED = "attached";

    private static final Table<Record> ATTACHMENTS = table(name("volume_attachments"));
    private static final Field<String> ATTACHMENT_ID = field(name("volume_attachments", "id"), SQLDataType.VARCHAR);
    private static final Field<String> ATTACHMENT_VOLUME_ID =
            field(name("volume_attachments", "volume_id"), SQLDataType.VARCHAR);
    private static final Field<String> INSTANCE_UUID =
            field(name("volume_attachments", "instance_uuid"), SQLDataType.VARCHAR);
    private static final Field<String> ATTACHED_HOST =
            field(name("volume_attachments", "attached_host"), SQLDataType.VARCHAR);
    private static final Field<String> MOUNTPOINT =
            field(name("volume_attachments", "mountpoint"), SQLDataType.VARCHAR);
    private static final Field<String> ATTACH_MODE =
            field(name("volume_attachments", "attach_mode"), SQLDataType.VARCHAR);
    private static final Field<String> ATTACHMENT_STATUS =
            field(name("volume_attachments", "attach_status"), SQLDataType.VARCHAR);
    private static final Field<Long> ATTACHED_AT = field(name("volume_attachments", "attached_at"), SQLDataType.BIGINT);
    private static final Field<Long> DETACHED_AT = field(name("volume_attachments", "detached_at"), SQLDataType.BIGINT);

    private final Database database;
    private final DSLContext dsl;
    private final OffsetAnchors offsetAnchors = new OffsetAnchors();

    public VolumeStore(Database database) {
        this.database = database;
        this.dsl = database.dsl();
    }

    @Override
    public Optional<ListColumn> column(String name) {
        return TABLE.column(name);
    }

    public void insert(DSLContext tx, Volume volume) {
        tx.insertInto(TABLE.table)
                .set(ID, volume.id())
                .set(PROJECT_ID, volume.projectId())
                .set(USER_ID, volume.userId())
                .set(STATUS, volume.status().wire())
                .set(ATTACH_STATUS, volume.attachStatus())
                .set(MIGRATION_STATUS, volume.migrationStatus())
                .set(SIZE, volume.size())
                .set(AVAILABILITY_ZONE, volume.availabilityZone())
                .set(HOST, volume.host())
                .set(DISPLAY_NAME, volume.displayName())
                .set(DISPLAY_DESCRIPTION, volume.displayDescription())
                .set(SNAPSHOT_ID, volume.snapshotId())
                .set(SOURCE_VOLID, volume.sourceVolid())
                .set(VOLUME_TYPE_ID, volume.volumeTypeId())
                .set(GROUP_ID, volume.groupId())
                .set(BOOTABLE, volume.bootable())
                .set(MULTIATTACH, volume.multiattach())
                .set(USE_QUOTA, volume.useQuota())
                .set(CREATED_AT, Micros.of(volume.createdAt()))
                .set(TABLE.deleted, false)
                .execute();
        Listing.replaceMetadata(tx, TABLE.metadata, volume.id(), volume.metadata());
    }

    public Optional<Volume> find(String id, Optional<String> projectId) {
        return find(dsl, id, projectId);
    }

    public Optional<Volume> find(DSLContext tx, String id, Optional<String> projectId) {
        return Listing.find(tx, TABLE, id, projectId, VolumeStore::toVolume)
                .map(v -> withDetails(tx, List.of(v)).get(0));
    }

    @Override
    public Optional<ListQuery.Marker> markerRow(ListQuery query, String markerId) {
        return Listing.markerRow(dsl, TABLE, query, markerId);
    }

    @Override
    public List<Volume> list(ListQuery query, Optional<ListQuery.Marker> marker) {
        return withDetails(dsl, Listing.page(dsl, TABLE, query, marker, VolumeStore::toVolume));
    }

    @Override
    public List<RowVersion> listVersions(ListQuery query, Optional<ListQuery.Marker> marker) {
        return Listing.pageVersions(dsl, TABLE, query, marker, offsetAnchors);
    }

    /**
     * The live volumes with these ids, with their details. The details come from statements after the row's:
     * on PostgreSQL, outside a transaction, they may be newer than the row's version, never older, so a view
     * kept under that version is never staler than the version says.
     */
    @Override
    public List<Volume> findAll(Collection<String> ids, Optional<String> projectId) {
        return withDetails(dsl, Listing.findAll(dsl, TABLE, ids, projectId, VolumeStore::toVolume));
    }

    /** The live volume's id and version, in this project when one is given. */
    public Optional<RowVersion> findVersion(String id, Optional<String> projectId) {
        return Listing.findVersion(dsl, TABLE, id, projectId);
    }

    @Override
    public int count(ListQuery query) {
        return Listing.count(dsl, TABLE, query);
    }

    /** Count, total size and metadata of the live volumes of a project (or of all projects). */
    public List<Volume> all(Optional<String> projectId) {
        return Listing.rows(
                dsl, TABLE, projectId.map(p -> Map.of(PROJECT_ID, p)).orElse(Map.of()), VolumeStore::toVolume);
    }

    /** Live volumes of a group, oldest first. */
    public List<Volume> findByGroup(DSLContext tx, String groupId) {
        return Listing.rows(tx, TABLE, Map.of(GROUP_ID, groupId), VolumeStore::toVolume);
    }

    /** Puts the live volume in a group, or takes it out of its group for none. */
    public void setGroup(DSLContext tx, String id, Optional<String> groupId, Instant now) {
        tx.update(TABLE.table)
                .set(GROUP_ID, groupId.orElse(null))
                .set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(TABLE.live()))
                .execute();
    }

    /**
     * Applies a request's transition to the live volume as one conditional statement (see {@link StatusChanges}).
     *
     * @return false when the volume is not in a from-status or a guard does not hold: the request is refused
     */
    public boolean apply(DSLContext tx, Transition<VolumeStatus, VolumeGuard> transition, String id, Instant now) {
        return StatusChanges.apply(
                database, tx, TABLE, STATUS, UPDATED_AT, transition, VolumeStatus::wire, VolumeStore::guard, id, now);
    }

    /**
     * Ends work: moves the volume from {@code running} to {@code outcome} (soft-deleting it for {@code deleted}).
     *
     * @return false when the volume left {@code running} meanwhile (an admin reset): the outcome is not written
     */
    public boolean finish(DSLContext tx, String id, VolumeStatus running, VolumeStatus outcome, Instant now) {
        var update = tx.update(TABLE.table).set(STATUS, outcome.wire()).set(UPDATED_AT, Micros.of(now));
        if (outcome == VolumeStatus.AVAILABLE) {
            update = update.set(LAUNCHED_AT, coalesce(LAUNCHED_AT, val(Micros.of(now))));
        }
        if (outcome == VolumeStatus.DELETED) {
            update = update.set(TABLE.deleted, true).set(DELETED_AT, Micros.of(now));
        }
        return update.where(ID.eq(id).and(TABLE.live()).and(STATUS.eq(running.wire())))
                        .execute()
                == 1;
    }

    /** Holds the live volume's row until the transaction ends, for a read-modify-write of what hangs off it (metadata). */
    public void lock(DSLContext tx, String id) {
        StatusChanges.lock(database, tx, TABLE, id);
    }

    private static Condition guard(VolumeGuard guard) {
        return switch (guard) {
            case NO_SNAPSHOTS -> notExists(snapshots(noCondition()));
            case NO_SNAPSHOT_IN_CREATION ->
                notExists(snapshots(SnapshotStore.TABLE.stringColumn("status").eq(SnapshotStatus.CREATING.wire())));
            case NO_GROUP_SNAPSHOTS ->
                notExists(snapshots(
                        SnapshotStore.TABLE.stringColumn("group_snapshot_id").isNotNull()));
            case ONLY_DELETABLE_SNAPSHOTS ->
                notExists(snapshots(SnapshotStore.TABLE
                        .stringColumn("status")
                        .notIn(StatusChanges.wire(SnapshotStatus.DELETABLE, SnapshotStatus::wire))));
            case ONLY_OWN_SNAPSHOTS ->
                notExists(
                        snapshots(SnapshotStore.TABLE.stringColumn("project_id").ne(PROJECT_ID)));
            case NOT_ATTACHED -> ATTACH_STATUS.ne(ATTACHED);
            case ATTACHED -> ATTACH_STATUS.eq(ATTACHED);
            case NO_ATTACHMENTS -> notExists(openAttachments());
            case HAS_ATTACHMENTS -> exists(openAttachments());
            case IN_USE_ONLY_IF_MULTIATTACH ->
                STATUS.ne(VolumeStatus.IN_USE.wire()).or(MULTIATTACH.isTrue());
            case NOT_IN_GROUP -> GROUP_ID.isNull();
            case MIGRATION_SETTLED -> MIGRATION_STATUS.isNull().or(MIGRATION_STATUS.in("deleting", "error", "success"));
            case NO_MIGRATION -> MIGRATION_STATUS.isNull();
            case NOT_MIGRATING -> MIGRATION_STATUS.isNull().or(MIGRATION_STATUS.notLike("migrating%"));
            case SCHEDULED -> HOST.isNotNull();
        };
    }

    /** The live snapshots of the volume the enclosing statement changes, meeting {@code condition}. */
    private static org.jooq.Select<?> snapshots(Condition condition) {
        return selectOne()
                .from(SnapshotStore.TABLE.table)
                .where(SnapshotStore.TABLE
                        .stringColumn("volume_id")
                        .eq(ID)
                        .and(SnapshotStore.TABLE.live())
                        .and(condition));
    }

    /** The open attachments of the volume the enclosing statement changes. */
    private static org.jooq.Select<?> openAttachments() {
        return selectOne().from(ATTACHMENTS).where(ATTACHMENT_VOLUME_ID.eq(ID).and(ATTACHMENT_STATUS.eq(ATTACHED)));
    }

    /** Admin reset: sets whichever of the three fields are given, whatever they were. */
    public void resetStatus(
            DSLContext tx,
            String id,
            Optional<String> status,
            Optional<String> attachStatus,
            Optional<Optional<String>> migrationStatus,
            Instant now) {
        var update = tx.update(TABLE.table).set(UPDATED_AT, Micros.of(now));
        if (status.isPresent()) {
            update = update.set(STATUS, status.get());
        }
        if (attachStatus.isPresent()) {
            update = update.set(ATTACH_STATUS, attachStatus.get());
        }
        if (migrationStatus.isPresent()) {
            update = update.set(MIGRATION_STATUS, migrationStatus.get().orElse(null));
        }
        update.where(ID.eq(id).and(TABLE.live())).execute();
    }

    /** Records the status a volume returns to when the backup that moved it to backing-up ends. */
    public void setPreviousStatus(DSLContext tx, String id, VolumeStatus previous) {
        tx.update(TABLE.table)
                .set(PREVIOUS_STATUS, previous.wire())
                .where(ID.eq(id))
                .execute();
    }

    /**
     * Ends a backup of the volume's data: backing-up becomes the status it had before (available when none is
     * recorded). Does nothing when the volume left backing-up meanwhile (an admin reset).
     */
    public void finishBackingUp(DSLContext tx, String id, Instant now) {
        tx.update(TABLE.table)
                .set(STATUS, coalesce(PREVIOUS_STATUS, val(VolumeStatus.AVAILABLE.wire())))
                .set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(TABLE.live()).and(STATUS.eq(VolumeStatus.BACKING_UP.wire())))
                .execute();
    }

    /** Records the size an extend reached. */
    public void setSize(DSLContext tx, String id, int size) {
        tx.update(TABLE.table)
                .set(SIZE, size)
                .where(ID.eq(id).and(TABLE.live()))
                .execute();
    }

    public void update(DSLContext tx, String id, String name, String description, Instant now) {
        tx.update(TABLE.table)
                .set(DISPLAY_NAME, name)
                .set(DISPLAY_DESCRIPTION, description)
                .set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(TABLE.live()))
                .execute();
    }

    public void setBootable(DSLContext tx, String id, boolean bootable, Instant now) {
        tx.update(TABLE.table)
                .set(BOOTABLE, bootable)
                .set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(TABLE.live()))
                .execute();
    }

    /** Whether the live row is in {@code status}, locked against other nodes until the caller's transaction ends. */
    public boolean lockIfInStatus(DSLContext tx, String id, VolumeStatus status) {
        return Listing.lockIfInStatus(database, tx, TABLE, id, status.wire());
    }

    /**
     * The ids of the live volumes in {@code status} whose data {@code host} holds, of one project's or of every
     * project's.
     */
    public List<String> idsOnHost(VolumeStatus status, String host, Optional<String> projectId) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live()
                        .and(STATUS.eq(status.wire()))
                        .and(HOST.eq(host))
                        .and(projectId.map(TABLE.projectId::eq).orElse(DSL.noCondition())))
                .fetch(ID);
    }

    /** The ids of the volumes whose data {@code host} holds, deleted or not. */
    static org.jooq.Select<org.jooq.Record1<String>> idsOnHost(String host) {
        return DSL.select(ID).from(TABLE.table).where(HOST.eq(host));
    }

    public List<String> idsInStatus(VolumeStatus status) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live().and(STATUS.eq(status.wire())))
                .fetch(ID);
    }

    public void replaceMetadata(DSLContext tx, String id, Map<String, String> metadata) {
        Listing.replaceMetadata(tx, TABLE.metadata, id, metadata);
    }

    public void setAdminMetadata(DSLContext tx, String id, String key, String value) {
        tx.insertInto(ADMIN_METADATA)
                .set(ADMIN_VOLUME_ID, id)
                .set(ADMIN_KEY, key)
                .set(ADMIN_VALUE, value)
                .onConflict(ADMIN_VOLUME_ID, ADMIN_KEY)
                .doUpdate()
                .set(ADMIN_VALUE, value)
                .execute();
    }

    public void deleteAdminMetadata(DSLContext tx, String id, String key) {
        tx.deleteFrom(ADMIN_METADATA)
                .where(ADMIN_VOLUME_ID.eq(id).and(ADMIN_KEY.eq(key)))
                .execute();
    }

    /** Records an attachment and marks the volume attached (its status is the attach transition's). */
    public void addAttachment(DSLContext tx, VolumeAttachment attachment) {
        tx.insertInto(ATTACHMENTS)
                .set(ATTACHMENT_ID, attachment.id())
                .set(ATTACHMENT_VOLUME_ID, attachment.volumeId())
                .set(INSTANCE_UUID, attachment.instanceUuid())
                .set(ATTACHED_HOST, attachment.attachedHost())
                .set(MOUNTPOINT, attachment.mountpoint())
                .set(ATTACH_MODE, attachment.attachMode())
                .set(ATTACHMENT_STATUS, ATTACHED)
                .set(ATTACHED_AT, Micros.of(attachment.attachedAt()))
                .execute();
        tx.update(TABLE.table)
                .set(ATTACH_STATUS, ATTACHED)
                .where(ID.eq(attachment.volumeId()))
                .execute();
    }

    /** Ends one attachment (or all, when {@code attachmentId} is empty). */
    public void endAttachments(DSLContext tx, String volumeId, Optional<String> attachmentId, Instant now) {
        var condition = ATTACHMENT_VOLUME_ID.eq(volumeId).and(ATTACHMENT_STATUS.eq(ATTACHED));
        if (attachmentId.isPresent()) {
            condition = condition.and(ATTACHMENT_ID.eq(attachmentId.get()));
        }
        tx.update(ATTACHMENTS)
                .set(ATTACHMENT_STATUS, "detached")
                .set(DETACHED_AT, Micros.of(now))
                .where(condition)
                .execute();
    }

    /** Marks a volume whose last attachment ended detached, and forgets the mode it was attached in. */
    public void markDetached(DSLContext tx, String volumeId) {
        tx.update(TABLE.table)
                .set(ATTACH_STATUS, "detached")
                .where(ID.eq(volumeId))
                .execute();
        deleteAdminMetadata(tx, volumeId, "attached_mode");
    }

    private static List<Volume> withDetails(DSLContext tx, List<Volume> volumes) {
        if (volumes.isEmpty()) {
            return volumes;
        }
        List<String> ids = volumes.stream().map(Volume::id).toList();
        Map<String, Map<String, String>> admin = new HashMap<>();
        tx.select(ADMIN_VOLUME_ID, ADMIN_KEY, ADMIN_VALUE)
                .from(ADMIN_METADATA)
                .where(ADMIN_VOLUME_ID.in(ids))
                .orderBy(ADMIN_VOLUME_ID, ADMIN_KEY)
                .forEach(r -> admin.computeIfAbsent(r.value1(), k -> new LinkedHashMap<>())
                        .put(r.value2(), r.value3()));
        Map<String, List<VolumeAttachment>> attachments = new HashMap<>();
        tx.select(
                        ATTACHMENT_ID,
                        ATTACHMENT_VOLUME_ID,
                        INSTANCE_UUID,
                        ATTACHED_HOST,
                        MOUNTPOINT,
                        ATTACH_MODE,
                        ATTACHED_AT)
                .from(ATTACHMENTS)
                .where(ATTACHMENT_VOLUME_ID.in(ids).and(ATTACHMENT_STATUS.eq("attached")))
                .orderBy(ATTACHED_AT, ATTACHMENT_ID)
                .forEach(r -> attachments
                        .computeIfAbsent(r.value2(), k -> new ArrayList<>())
                        .add(new VolumeAttachment(
                                r.value1(),
                                r.value2(),
                                r.value3(),
                                r.value4(),
                                r.value5(),
                                r.value6(),
                                Micros.toInstant(r.value7()))));
        return volumes.stream()
                .map(v -> v.withDetails(
                        admin.getOrDefault(v.id(), Map.of()), attachments.getOrDefault(v.id(), List.of())))
                .toList();
    }

    private static Volume toVolume(Listing.Row r, Map<String, String> metadata) {
        String previous = r.get(PREVIOUS_STATUS);
        return new Volume(
                r.get(ID),
                r.get(PROJECT_ID),
                r.get(USER_ID),
                VolumeStatus.fromWire(r.get(STATUS)),
                r.get(ATTACH_STATUS),
                r.get(MIGRATION_STATUS),
                r.get(SIZE),
                r.get(AVAILABILITY_ZONE),
                r.get(HOST),
                r.get(DISPLAY_NAME),
                r.get(DISPLAY_DESCRIPTION),
                r.get(SNAPSHOT_ID),
                r.get(SOURCE_VOLID),
                r.get(VOLUME_TYPE_ID),
                r.get(GROUP_ID),
                Boolean.TRUE.equals(r.get(BOOTABLE)),
                Boolean.TRUE.equals(r.get(MULTIATTACH)),
                Boolean.TRUE.equals(r.get(USE_QUOTA)),
                Micros.toInstant(r.get(CREATED_AT)),
                Micros.toInstant(r.get(UPDATED_AT)),
                Micros.toInstant(r.get(LAUNCHED_AT)),
                previous == null ? null : VolumeStatus.fromWire(previous),
                new LinkedHashMap<>(metadata),
                Map.of(),
                List.of(),
                r.get(TABLE.version));
    }
}
