package io.cairn.store;

import io.cairn.domain.RowVersion;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotGuard;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Transition;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Snapshot rows and their metadata. Reads see live rows only (soft-deleted rows are never returned);
 * status changes are compare-and-set, so of two racing writers exactly one wins.
 */
public final class SnapshotStore implements VersionedListSource<Snapshot> {
    static final ResourceTable TABLE =
            new ResourceTable("snapshots", ResourceTable.MetadataTable.of("snapshot_metadata", "snapshot_id"));
    private static final Field<String> ID = TABLE.id;
    private static final Field<String> PROJECT_ID = TABLE.projectId;
    private static final Field<String> USER_ID = TABLE.string("user_id");
    private static final Field<String> VOLUME_ID = TABLE.string("volume_id");
    private static final Field<String> GROUP_SNAPSHOT_ID = TABLE.string("group_snapshot_id");
    private static final Field<String> STATUS = TABLE.string("status");
    private static final Field<String> PROGRESS = TABLE.string("progress");
    private static final Field<Integer> VOLUME_SIZE = TABLE.column("volume_size", SQLDataType.INTEGER);
    private static final Field<Long> SCHEDULED_AT = TABLE.time("scheduled_at");
    private static final Field<String> DISPLAY_NAME = TABLE.string("display_name");
    private static final Field<String> DISPLAY_DESCRIPTION = TABLE.string("display_description");
    private static final Field<Boolean> USE_QUOTA;
    private static final Field<Long> CREATED_AT;
    private static final Field<Long> UPDATED_AT;
    private static final Field<Long> DELETED_AT;

    static {
        for (String column : List.of(
                "cgsnapshot_id",
                "provider_location",
                "provider_id",
                "provider_auth",
                "encryption_key_id",
                "volume_type_id")) {
            TABLE.string(column);
        }
        USE_QUOTA = TABLE.column("use_quota", SQLDataType.BOOLEAN);
        CREATED_AT = TABLE.time("created_at");
        UPDATED_AT = TABLE.time("updated_at");
        DELETED_AT = TABLE.time("deleted_at");
        TABLE.joinedFilter("availability_zone", VolumeStore.TABLE, VOLUME_ID, "availability_zone");
        TABLE.notNull("user_id", "volume_id", "status", "volume_size", "use_quota");
        TABLE.select(
                ID,
                PROJECT_ID,
                USER_ID,
                VOLUME_ID,
                GROUP_SNAPSHOT_ID,
                STATUS,
                PROGRESS,
                VOLUME_SIZE,
                DISPLAY_NAME,
                DISPLAY_DESCRIPTION,
                USE_QUOTA,
                CREATED_AT,
                UPDATED_AT,
                TABLE.version);
    }

    private final Database database;
    private final DSLContext dsl;
    private final OffsetAnchors offsetAnchors = new OffsetAnchors();

    public SnapshotStore(Database database) {
        this.database = database;
        this.dsl = database.dsl();
    }

    @Override
    public Optional<ListColumn> column(String name) {
        return TABLE.column(name);
    }

    public void insert(DSLContext tx, Snapshot snapshot) {
        tx.insertInto(TABLE.table)
                .set(ID, snapshot.id())
                .set(PROJECT_ID, snapshot.projectId())
                .set(USER_ID, snapshot.userId())
                .set(VOLUME_ID, snapshot.volumeId())
                .set(GROUP_SNAPSHOT_ID, snapshot.groupSnapshotId())
                .set(STATUS, snapshot.status().wire())
                .set(PROGRESS, snapshot.progress())
                .set(VOLUME_SIZE, snapshot.volumeSize())
                .set(DISPLAY_NAME, snapshot.displayName())
                .set(DISPLAY_DESCRIPTION, snapshot.displayDescription())
                .set(USE_QUOTA, snapshot.useQuota())
                .set(CREATED_AT, Micros.of(snapshot.createdAt()))
                .set(SCHEDULED_AT, Micros.of(snapshot.createdAt()))
                .set(TABLE.deleted, false)
                .execute();
        Listing.replaceMetadata(tx, TABLE.metadata, snapshot.id(), snapshot.metadata());
    }

    /** The live snapshot with this id, in this project when one is given. */
    public Optional<Snapshot> find(String id, Optional<String> projectId) {
        return find(dsl, id, projectId);
    }

    public Optional<Snapshot> find(DSLContext tx, String id, Optional<String> projectId) {
        return Listing.find(tx, TABLE, id, projectId, SnapshotStore::toSnapshot);
    }

    @Override
    public Optional<ListQuery.Marker> markerRow(ListQuery query, String markerId) {
        return Listing.markerRow(dsl, TABLE, query, markerId);
    }

    @Override
    public List<Snapshot> list(ListQuery query, Optional<ListQuery.Marker> marker) {
        return Listing.page(dsl, TABLE, query, marker, SnapshotStore::toSnapshot);
    }

    @Override
    public List<RowVersion> listVersions(ListQuery query, Optional<ListQuery.Marker> marker) {
        return Listing.pageVersions(dsl, TABLE, query, marker, offsetAnchors);
    }

    @Override
    public List<Snapshot> findAll(Collection<String> ids, Optional<String> projectId) {
        return Listing.findAll(dsl, TABLE, ids, projectId, SnapshotStore::toSnapshot);
    }

    /** The live snapshot's id and version, in this project when one is given. */
    public Optional<RowVersion> findVersion(String id, Optional<String> projectId) {
        return Listing.findVersion(dsl, TABLE, id, projectId);
    }

    @Override
    public int count(ListQuery query) {
        return Listing.count(dsl, TABLE, query);
    }

    /** Live snapshots of a volume, oldest first. */
    public List<Snapshot> findByVolume(DSLContext tx, String volumeId) {
        return Listing.rows(tx, TABLE, Map.of(VOLUME_ID, volumeId), SnapshotStore::toSnapshot);
    }

    /** Live member snapshots of a group snapshot, oldest first. */
    public List<Snapshot> findByGroupSnapshot(DSLContext tx, String groupSnapshotId) {
        return Listing.rows(tx, TABLE, Map.of(GROUP_SNAPSHOT_ID, groupSnapshotId), SnapshotStore::toSnapshot);
    }

    /**
     * Applies a request's transition to the live snapshot as one conditional statement (see {@link StatusChanges}).
     *
     * @return false when the snapshot is not in a from-status or a guard does not hold: the request is refused
     */
    public boolean apply(DSLContext tx, Transition<SnapshotStatus, SnapshotGuard> transition, String id, Instant now) {
        return StatusChanges.apply(
                database,
                tx,
                TABLE,
                STATUS,
                UPDATED_AT,
                transition,
                SnapshotStatus::wire,
                SnapshotStore::guard,
                id,
                now);
    }

    /**
     * Ends work: moves the snapshot from {@code running} to {@code outcome} (soft-deleting it for {@code deleted}).
     *
     * @return false when the snapshot left {@code running} meanwhile (an admin reset): the outcome is not written
     */
    public boolean finish(DSLContext tx, String id, SnapshotStatus running, SnapshotStatus outcome, Instant now) {
        var update = tx.update(TABLE.table).set(STATUS, outcome.wire()).set(UPDATED_AT, Micros.of(now));
        if (outcome == SnapshotStatus.DELETED) {
            update = update.set(TABLE.deleted, true).set(DELETED_AT, Micros.of(now));
        }
        return update.where(ID.eq(id).and(TABLE.live()).and(STATUS.eq(running.wire())))
                        .execute()
                == 1;
    }

    /** Holds the live snapshot's row until the transaction ends, for a read-modify-write of its metadata. */
    public void lock(DSLContext tx, String id) {
        StatusChanges.lock(database, tx, TABLE, id);
    }

    private static Condition guard(SnapshotGuard guard) {
        return switch (guard) {
            case NOT_IN_GROUP -> GROUP_SNAPSHOT_ID.isNull();
        };
    }

    public void updateProgress(DSLContext tx, String id, String progress) {
        tx.update(TABLE.table)
                .set(PROGRESS, progress)
                .where(ID.eq(id).and(TABLE.live()))
                .execute();
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

    /** Which of these ids name live snapshots. */
    public List<String> liveIds(Collection<String> ids) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live().and(ID.in(ids)))
                .fetch(ID);
    }

    /**
     * Removes a soft-deleted row for good, so that a backend snapshot unmanaged under this id can be managed
     * again under the same id (the engine names its data by the snapshot id).
     */
    public void purgeDeleted(DSLContext tx, String id) {
        Listing.replaceMetadata(tx, TABLE.metadata, id, Map.of());
        tx.deleteFrom(TABLE.table).where(ID.eq(id).and(TABLE.deleted.isTrue())).execute();
    }

    /** Whether the live row is in {@code status}, locked against other nodes until the caller's transaction ends. */
    public boolean lockIfInStatus(DSLContext tx, String id, SnapshotStatus status) {
        return Listing.lockIfInStatus(database, tx, TABLE, id, status.wire());
    }

    /**
     * The ids of the live snapshots in {@code status} of volumes whose data {@code host} holds, of one project's or of
     * every project's.
     */
    public List<String> idsOnHost(SnapshotStatus status, String host, Optional<String> projectId) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live()
                        .and(STATUS.eq(status.wire()))
                        .and(VOLUME_ID.in(VolumeStore.idsOnHost(host)))
                        .and(projectId.map(TABLE.projectId::eq).orElse(DSL.noCondition())))
                .fetch(ID);
    }

    /** Ids of live snapshots in a status, for the recovery pass. */
    public List<String> idsInStatus(SnapshotStatus status) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live().and(STATUS.eq(status.wire())))
                .fetch(ID);
    }

    private static Snapshot toSnapshot(Listing.Row r, Map<String, String> metadata) {
        return new Snapshot(
                r.get(ID),
                r.get(PROJECT_ID),
                r.get(USER_ID),
                r.get(VOLUME_ID),
                r.get(GROUP_SNAPSHOT_ID),
                SnapshotStatus.fromWire(r.get(STATUS)),
                r.get(PROGRESS),
                r.get(VOLUME_SIZE),
                r.get(DISPLAY_NAME),
                r.get(DISPLAY_DESCRIPTION),
                Boolean.TRUE.equals(r.get(USE_QUOTA)),
                Micros.toInstant(r.get(CREATED_AT)),
                Micros.toInstant(r.get(UPDATED_AT)),
                new LinkedHashMap<>(metadata),
                r.get(TABLE.version));
    }
}
