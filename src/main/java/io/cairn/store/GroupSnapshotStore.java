package io.cairn.store;

import io.cairn.domain.GroupSnapshot;
import io.cairn.domain.GroupSnapshotGuard;
import io.cairn.domain.GroupSnapshotStatus;
import io.cairn.domain.Transition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** Group snapshot rows. Reads see live rows only; status changes are compare-and-set (see {@link StatusChanges}). */
public final class GroupSnapshotStore {
    /** Group snapshots have no metadata. */
    static final ResourceTable TABLE = new ResourceTable("group_snapshots", null);

    private static final Field<String> ID = TABLE.id;
    private static final Field<String> PROJECT_ID = TABLE.projectId;
    private static final Field<String> USER_ID = TABLE.string("user_id");
    private static final Field<String> GROUP_ID = TABLE.string("group_id");
    private static final Field<String> GROUP_TYPE_ID = TABLE.string("group_type_id");
    private static final Field<String> STATUS = TABLE.string("status");
    private static final Field<String> NAME = TABLE.string("name");
    private static final Field<String> DESCRIPTION = TABLE.string("description");
    private static final Field<Long> CREATED_AT = TABLE.time("created_at");
    private static final Field<Long> UPDATED_AT = TABLE.time("updated_at");
    private static final Field<Long> DELETED_AT = TABLE.time("deleted_at");

    static {
        TABLE.notNull("user_id", "group_id", "group_type_id", "status");
        TABLE.select(
                ID, PROJECT_ID, USER_ID, GROUP_ID, GROUP_TYPE_ID, STATUS, NAME, DESCRIPTION, CREATED_AT, UPDATED_AT);
    }

    private final Database database;
    private final DSLContext dsl;
    private final ListSource<GroupSnapshot> listSource;

    public GroupSnapshotStore(Database database) {
        this.database = database;
        this.dsl = database.dsl();
        this.listSource = new TableListSource<>(dsl, TABLE, GroupSnapshotStore::toGroupSnapshot);
    }

    /** The live group snapshots, paged by the shared list rules. */
    public ListSource<GroupSnapshot> listSource() {
        return listSource;
    }

    public void insert(DSLContext tx, GroupSnapshot snapshot) {
        tx.insertInto(TABLE.table)
                .set(ID, snapshot.id())
                .set(PROJECT_ID, snapshot.projectId())
                .set(USER_ID, snapshot.userId())
                .set(GROUP_ID, snapshot.groupId())
                .set(GROUP_TYPE_ID, snapshot.groupTypeId())
                .set(STATUS, snapshot.status().wire())
                .set(NAME, snapshot.name())
                .set(DESCRIPTION, snapshot.description())
                .set(CREATED_AT, Micros.of(snapshot.createdAt()))
                .set(TABLE.deleted, false)
                .execute();
    }

    /** The live group snapshot with this id, in this project when one is given. */
    public Optional<GroupSnapshot> find(DSLContext tx, String id, Optional<String> projectId) {
        return Listing.find(tx, TABLE, id, projectId, GroupSnapshotStore::toGroupSnapshot);
    }

    public Optional<GroupSnapshot> find(String id, Optional<String> projectId) {
        return find(dsl, id, projectId);
    }

    /** The live group snapshots of a group in a status, oldest first. */
    public List<GroupSnapshot> ofGroup(DSLContext tx, String groupId, GroupSnapshotStatus status) {
        return Listing.rows(
                tx, TABLE, Map.of(GROUP_ID, groupId, STATUS, status.wire()), GroupSnapshotStore::toGroupSnapshot);
    }

    /** Whether the group has a live group snapshot, in any status. */
    public boolean anyOfGroup(DSLContext tx, String groupId) {
        return tx.fetchExists(
                DSL.selectOne().from(TABLE.table).where(GROUP_ID.eq(groupId).and(TABLE.live())));
    }

    private static GroupSnapshot toGroupSnapshot(Listing.Row r, Map<String, String> noMetadata) {
        return new GroupSnapshot(
                r.get(ID),
                r.get(PROJECT_ID),
                r.get(USER_ID),
                r.get(GROUP_ID),
                r.get(GROUP_TYPE_ID),
                GroupSnapshotStatus.fromWire(r.get(STATUS)),
                r.get(NAME),
                r.get(DESCRIPTION),
                Micros.toInstant(r.get(CREATED_AT)),
                Micros.toInstant(r.get(UPDATED_AT)));
    }

    /**
     * Applies a request's transition to the live group snapshot as one conditional statement.
     *
     * @return false when it is not in a from-status or a guard does not hold: the request is refused
     */
    public boolean apply(
            DSLContext tx, Transition<GroupSnapshotStatus, GroupSnapshotGuard> transition, String id, Instant now) {
        return StatusChanges.apply(
                database,
                tx,
                TABLE,
                STATUS,
                UPDATED_AT,
                transition,
                GroupSnapshotStatus::wire,
                GroupSnapshotStore::guard,
                id,
                now);
    }

    /**
     * Ends work: moves the group snapshot from {@code running} to {@code outcome} (soft-deleting it for deleted).
     *
     * @return false when it left {@code running} meanwhile (an admin reset): the outcome is not written
     */
    public boolean finish(
            DSLContext tx, String id, GroupSnapshotStatus running, GroupSnapshotStatus outcome, Instant now) {
        var update = tx.update(TABLE.table).set(STATUS, outcome.wire()).set(UPDATED_AT, Micros.of(now));
        if (outcome == GroupSnapshotStatus.DELETED) {
            update = update.set(TABLE.deleted, true).set(DELETED_AT, Micros.of(now));
        }
        return update.where(ID.eq(id).and(TABLE.live()).and(STATUS.eq(running.wire())))
                        .execute()
                == 1;
    }

    /** Whether the live row is in {@code status}, locked against other nodes until the caller's transaction ends. */
    public boolean lockIfInStatus(DSLContext tx, String id, GroupSnapshotStatus status) {
        return Listing.lockIfInStatus(database, tx, TABLE, id, status.wire());
    }

    /** Ids of live group snapshots in a status, for the recovery pass. */
    public List<String> idsInStatus(GroupSnapshotStatus status) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live().and(STATUS.eq(status.wire())))
                .fetch(ID);
    }

    private static Condition guard(GroupSnapshotGuard guard) {
        return switch (guard) {
            case NOT_A_SOURCE_BEING_COPIED ->
                DSL.condition("not exists (select 1 from volume_groups copies where copies.deleted = FALSE"
                        + " and copies.status = 'creating' and copies.group_snapshot_id = group_snapshots.id)");
        };
    }
}
