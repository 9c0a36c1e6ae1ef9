package io.cairn.store;

import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.SQLDataType;

/**
 * Volume rows and their metadata. Reads see live rows only; status changes are compare-and-set.
 */
public final class VolumeStore implements ListSource<Volume> {
    static final ResourceTable TABLE = new ResourceTable("volumes",
            ResourceTable.MetadataTable.of("volume_metadata", "volume_id"));
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

    private final DSLContext dsl;

    public VolumeStore(Database database) {
        this.dsl = database.dsl();
    }

    @Override
    public boolean isColumn(String column) {
        return TABLE.columns.containsKey(column);
    }

    public void insert(DSLContext tx, Volume volume) {
        tx.insertInto(TABLE.table)
                .set(ID, volume.id()).set(PROJECT_ID, volume.projectId()).set(USER_ID, volume.userId())
                .set(STATUS, volume.status().wire()).set(ATTACH_STATUS, volume.attachStatus())
                .set(MIGRATION_STATUS, volume.migrationStatus()).set(SIZE, volume.size())
                .set(AVAILABILITY_ZONE, volume.availabilityZone()).set(HOST, volume.host())
                .set(DISPLAY_NAME, volume.displayName()).set(DISPLAY_DESCRIPTION, volume.displayDescription())
                .set(SNAPSHOT_ID, volume.snapshotId()).set(SOURCE_VOLID, volume.sourceVolid())
                .set(VOLUME_TYPE_ID, volume.volumeTypeId()).set(GROUP_ID, volume.groupId())
                .set(BOOTABLE, volume.bootable()).set(MULTIATTACH, volume.multiattach())
                .set(USE_QUOTA, volume.useQuota()).set(CREATED_AT, Micros.of(volume.createdAt()))
                .set(TABLE.deleted, false)
                .execute();
        Listing.replaceMetadata(tx, TABLE.metadata, volume.id(), volume.metadata());
    }

    public Optional<Volume> find(String id, Optional<String> projectId) {
        return find(dsl, id, projectId);
    }

    public Optional<Volume> find(DSLContext tx, String id, Optional<String> projectId) {
        return Listing.find(tx, TABLE, id, projectId, VolumeStore::toVolume);
    }

    @Override
    public Optional<ListQuery.Marker> markerRow(ListQuery query, String markerId) {
        return Listing.markerRow(dsl, TABLE, query, markerId);
    }

    @Override
    public List<Volume> list(ListQuery query, Optional<ListQuery.Marker> marker) {
        return Listing.page(dsl, TABLE, query, marker, VolumeStore::toVolume);
    }

    @Override
    public int count(ListQuery query) {
        return Listing.count(dsl, TABLE, query);
    }

    /** Sets the status if the current one is in {@code expected}; false means the row was not in such a status. */
    public boolean compareAndSetStatus(DSLContext tx, String id, Collection<VolumeStatus> expected, VolumeStatus next, Instant now) {
        var update = tx.update(TABLE.table).set(STATUS, next.wire()).set(UPDATED_AT, Micros.of(now));
        if (next == VolumeStatus.AVAILABLE) {
            update = update.set(LAUNCHED_AT, org.jooq.impl.DSL.coalesce(LAUNCHED_AT, org.jooq.impl.DSL.val(Micros.of(now))));
        }
        return update.where(ID.eq(id).and(TABLE.deleted.isFalse())
                        .and(STATUS.in(expected.stream().map(VolumeStatus::wire).toList())))
                .execute() == 1;
    }

    public boolean softDelete(DSLContext tx, String id, Collection<VolumeStatus> expected, Instant now) {
        return tx.update(TABLE.table)
                .set(STATUS, "deleted").set(TABLE.deleted, true)
                .set(DELETED_AT, Micros.of(now)).set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(TABLE.deleted.isFalse())
                        .and(STATUS.in(expected.stream().map(VolumeStatus::wire).toList())))
                .execute() == 1;
    }

    public List<String> idsInStatus(VolumeStatus status) {
        return dsl.select(ID).from(TABLE.table).where(TABLE.deleted.isFalse().and(STATUS.eq(status.wire()))).fetch(ID);
    }

    public void replaceMetadata(DSLContext tx, String id, Map<String, String> metadata) {
        Listing.replaceMetadata(tx, TABLE.metadata, id, metadata);
    }

    private static Volume toVolume(Record r, Map<String, String> metadata) {
        return new Volume(r.get(ID), r.get(PROJECT_ID), r.get(USER_ID), VolumeStatus.fromWire(r.get(STATUS)),
                r.get(ATTACH_STATUS), r.get(MIGRATION_STATUS), r.get(SIZE), r.get(AVAILABILITY_ZONE), r.get(HOST),
                r.get(DISPLAY_NAME), r.get(DISPLAY_DESCRIPTION), r.get(SNAPSHOT_ID), r.get(SOURCE_VOLID),
                r.get(VOLUME_TYPE_ID), r.get(GROUP_ID), Boolean.TRUE.equals(r.get(BOOTABLE)),
                Boolean.TRUE.equals(r.get(MULTIATTACH)), Boolean.TRUE.equals(r.get(USE_QUOTA)),
                Micros.toInstant(r.get(CREATED_AT)), Micros.toInstant(r.get(UPDATED_AT)),
                Micros.toInstant(r.get(LAUNCHED_AT)), new LinkedHashMap<>(metadata));
    }
}
