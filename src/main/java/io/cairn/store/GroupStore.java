package io.cairn.store;

import io.cairn.domain.Group;
import io.cairn.domain.GroupGuard;
import io.cairn.domain.GroupStatus;
import io.cairn.domain.Transition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Group rows and the volume types each allows. Reads see live rows only; status changes are compare-and-set (see
 * {@link StatusChanges}), so of two racing requests exactly one wins.
 */
public final class GroupStore {
    /** Groups have no metadata. */
    static final ResourceTable TABLE = new ResourceTable("volume_groups", null);

    private static final Field<String> ID = TABLE.id;
    private static final Field<String> PROJECT_ID = TABLE.projectId;
    private static final Field<String> USER_ID = TABLE.string("user_id");
    private static final Field<String> STATUS = TABLE.string("status");
    private static final Field<String> AVAILABILITY_ZONE = TABLE.string("availability_zone");
    private static final Field<String> HOST = TABLE.string("host");
    private static final Field<String> GROUP_TYPE_ID = TABLE.string("group_type_id");
    private static final Field<String> NAME = TABLE.string("name");
    private static final Field<String> DESCRIPTION = TABLE.string("description");
    private static final Field<String> GROUP_SNAPSHOT_ID = TABLE.string("group_snapshot_id");
    private static final Field<String> SOURCE_GROUP_ID = TABLE.string("source_group_id");
    private static final Field<Long> CREATED_AT = TABLE.time("created_at");
    private static final Field<Long> UPDATED_AT = TABLE.time("updated_at");
    private static final Field<Long> DELETED_AT = TABLE.time("deleted_at");

    private static final Table<Record> VOLUME_TYPES = DSL.table(DSL.name("volume_group_types"));
    private static final Field<String> TYPE_GROUP_ID =
            DSL.field(DSL.name("volume_group_types", "group_id"), SQLDataType.VARCHAR);
    private static final Field<String> TYPE_ID =
            DSL.field(DSL.name("volume_group_types", "volume_type_id"), SQLDataType.VARCHAR);
    private static final Field<Integer> TYPE_POSITION =
            DSL.field(DSL.name("volume_group_types", "position"), SQLDataType.INTEGER);

    static {
        TABLE.notNull("user_id", "status", "availability_zone", "host", "group_type_id");
        TABLE.select(
                ID,
                PROJECT_ID,
                USER_ID,
                STATUS,
                AVAILABILITY_ZONE,
                HOST,
                GROUP_TYPE_ID,
                NAME,
                DESCRIPTION,
                GROUP_SNAPSHOT_ID,
                SOURCE_GROUP_ID,
                CREATED_AT,
                UPDATED_AT);
    }

    private final Database database;
    private final DSLContext dsl;
    private final ListSource<Group> listSource;

    public GroupStore(Database database) {
        this.database = database;
        this.dsl = database.dsl();
        this.listSource =
                new TableListSource<>(dsl, TABLE, GroupStore::toGroup, groups -> withVolumeTypes(dsl, groups));
    }

    /** The live groups, paged by the shared list rules. */
    public ListSource<Group> listSource() {
        return listSource;
    }

    public void insert(DSLContext tx, Group group) {
        tx.insertInto(TABLE.table)
                .set(ID, group.id())
                .set(PROJECT_ID, group.projectId())
                .set(USER_ID, group.userId())
                .set(STATUS, group.status().wire())
                .set(AVAILABILITY_ZONE, group.availabilityZone())
                .set(HOST, group.host())
                .set(GROUP_TYPE_ID, group.groupTypeId())
                .set(NAME, group.name())
                .set(DESCRIPTION, group.description())
                .set(GROUP_SNAPSHOT_ID, group.groupSnapshotId())
                .set(SOURCE_GROUP_ID, group.sourceGroupId())
                .set(CREATED_AT, Micros.of(group.createdAt()))
                .set(TABLE.deleted, false)
                .execute();
        for (int i = 0; i < group.volumeTypeIds().size(); i++) {
            tx.insertInto(VOLUME_TYPES)
                    .set(TYPE_GROUP_ID, group.id())
                    .set(TYPE_ID, group.volumeTypeIds().get(i))
                    .set(TYPE_POSITION, i)
                    .execute();
        }
    }

    /** The live group with this id, in this project when one is given. */
    public Optional<Group> find(DSLContext tx, String id, Optional<String> projectId) {
        return withVolumeTypes(
                        tx,
                        Listing.find(tx, TABLE, id, projectId, GroupStore::toGroup).stream()
                                .toList())
                .stream()
                .findFirst();
    }

    public Optional<Group> find(String id, Optional<String> projectId) {
        return find(dsl, id, projectId);
    }

    /** The groups as read from their rows, which leave the volume types out, with their volume types. */
    private static List<Group> withVolumeTypes(DSLContext tx, List<Group> groups) {
        if (groups.isEmpty()) {
            return groups;
        }
        Map<String, List<String>> types = tx
                .select(TYPE_GROUP_ID, TYPE_ID)
                .from(VOLUME_TYPES)
                .where(TYPE_GROUP_ID.in(groups.stream().map(Group::id).toList()))
                .orderBy(TYPE_GROUP_ID, TYPE_POSITION)
                .fetch()
                .stream()
                .collect(Collectors.groupingBy(
                        r -> r.get(TYPE_GROUP_ID), Collectors.mapping(r -> r.get(TYPE_ID), Collectors.toList())));
        return groups.stream()
                .map(g -> g.withVolumeTypeIds(types.getOrDefault(g.id(), List.of())))
                .toList();
    }

    private static Group toGroup(Listing.Row r, Map<String, String> noMetadata) {
        return new Group(
                r.get(ID),
                r.get(PROJECT_ID),
                r.get(USER_ID),
                GroupStatus.fromWire(r.get(STATUS)),
                r.get(AVAILABILITY_ZONE),
                r.get(HOST),
                r.get(GROUP_TYPE_ID),
                r.get(NAME),
                r.get(DESCRIPTION),
                r.get(GROUP_SNAPSHOT_ID),
                r.get(SOURCE_GROUP_ID),
                List.of(),
                Micros.toInstant(r.get(CREATED_AT)),
                Micros.toInstant(r.get(UPDATED_AT)));
    }

    /**
     * Applies a request's transition to the live group as one conditional statement.
     *
     * @return false when the group is not in a from-status or a guard does not hold: the request is refused
     */
    public boolean apply(DSLContext tx, Transition<GroupStatus, GroupGuard> transition, String id, Instant now) {
        return StatusChanges.apply(
                database, tx, TABLE, STATUS, UPDATED_AT, transition, GroupStatus::wire, GroupStore::guard, id, now);
    }

    /**
     * Ends work: moves the group from {@code running} to {@code outcome} (soft-deleting it for {@code deleted}).
     *
     * @return false when the group left {@code running} meanwhile (an admin reset): the outcome is not written
     */
    public boolean finish(DSLContext tx, String id, GroupStatus running, GroupStatus outcome, Instant now) {
        var update = tx.update(TABLE.table).set(STATUS, outcome.wire()).set(UPDATED_AT, Micros.of(now));
        if (outcome == GroupStatus.DELETED) {
            update = update.set(TABLE.deleted, true).set(DELETED_AT, Micros.of(now));
        }
        return update.where(ID.eq(id).and(TABLE.live()).and(STATUS.eq(running.wire())))
                        .execute()
                == 1;
    }

    /** Holds the live group's row until the transaction ends, so that its membership changes one request at a time. */
    public void lock(DSLContext tx, String id) {
        StatusChanges.lock(database, tx, TABLE, id);
    }

    public void updateNameAndDescription(DSLContext tx, String id, String name, String description, Instant now) {
        tx.update(TABLE.table)
                .set(NAME, name)
                .set(DESCRIPTION, description)
                .set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(TABLE.live()))
                .execute();
    }

    /** Whether the live row is in {@code status}, locked against other nodes until the caller's transaction ends. */
    public boolean lockIfInStatus(DSLContext tx, String id, GroupStatus status) {
        return Listing.lockIfInStatus(database, tx, TABLE, id, status.wire());
    }

    /** Ids of live groups in a status, for the recovery pass. */
    public List<String> idsInStatus(GroupStatus status) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live().and(STATUS.eq(status.wire())))
                .fetch(ID);
    }

    /** The host of a group, or of the group of a group snapshot, by either's id. */
    static Optional<String> host(DSLContext tx, String groupOrGroupSnapshotId) {
        Optional<String> own = tx.select(HOST)
                .from(TABLE.table)
                .where(ID.eq(groupOrGroupSnapshotId))
                .fetchOptional(HOST);
        if (own.isPresent()) {
            return own;
        }
        return tx.select(HOST)
                .from(TABLE.table)
                .join(GroupSnapshotStore.TABLE.table)
                .on(GroupSnapshotStore.TABLE.stringColumn("group_id").eq(ID))
                .where(GroupSnapshotStore.TABLE.id.eq(groupOrGroupSnapshotId))
                .fetchOptional(HOST);
    }

    private static Condition guard(GroupGuard guard) {
        return switch (guard) {
            case NO_GROUP_SNAPSHOTS ->
                DSL.notExists(DSL.selectOne()
                        .from(GroupSnapshotStore.TABLE.table)
                        .where(GroupSnapshotStore.TABLE
                                .stringColumn("group_id")
                                .eq(ID)
                                .and(GroupSnapshotStore.TABLE.live())));
            case NO_VOLUMES -> DSL.notExists(members(DSL.noCondition()));
            case VOLUMES_DETACHED_WITHOUT_SNAPSHOTS ->
                DSL.notExists(members(VolumeStore.TABLE
                        .stringColumn("attach_status")
                        .eq("attached")
                        .or(DSL.exists(DSL.selectOne()
                                .from(SnapshotStore.TABLE.table)
                                .where(SnapshotStore.TABLE
                                        .stringColumn("volume_id")
                                        .eq(VolumeStore.TABLE.id)
                                        .and(SnapshotStore.TABLE.live()))))));
            // A group being created from this one, or from one of its group snapshots, still reads from it.
            case NOT_A_SOURCE_BEING_COPIED ->
                DSL.condition("not exists (select 1 from volume_groups copies where copies.deleted = FALSE"
                        + " and copies.status = 'creating' and (copies.source_group_id = volume_groups.id"
                        + " or copies.group_snapshot_id in (select sources.id from group_snapshots sources"
                        + " where sources.group_id = volume_groups.id)))");
        };
    }

    private static org.jooq.Select<?> members(Condition condition) {
        return DSL.selectOne()
                .from(VolumeStore.TABLE.table)
                .where(VolumeStore.TABLE
                        .stringColumn("group_id")
                        .eq(ID)
                        .and(VolumeStore.TABLE.live())
                        .and(condition));
    }
}
