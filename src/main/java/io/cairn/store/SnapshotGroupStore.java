package io.cairn.store;

import io.cairn.domain.SnapshotGroup;
import io.cairn.domain.SnapshotGroupStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.impl.SQLDataType;

/**
 * EVS snapshot group rows (their members are snapshot rows naming the group in {@code group_snapshot_id}). Reads see
 * live rows only; status changes are compare-and-set, so of two racing requests exactly one wins.
 */
public final class SnapshotGroupStore {
    static final ResourceTable TABLE = new ResourceTable("evs_snapshot_groups", null);

    private static final Field<String> ID = TABLE.id;
    private static final Field<String> PROJECT_ID = TABLE.projectId;
    private static final Field<String> USER_ID = TABLE.string("user_id");
    private static final Field<String> STATUS = TABLE.string("status");
    private static final Field<String> HOST = TABLE.string("host");
    private static final Field<String> SERVER_ID = TABLE.string("server_id");
    private static final Field<Integer> SIZE = TABLE.column("size", SQLDataType.INTEGER);
    private static final Field<String> NAME = TABLE.string("name");
    private static final Field<String> DESCRIPTION = TABLE.string("description");
    private static final Field<Long> CREATED_AT = TABLE.time("created_at");
    private static final Field<Long> UPDATED_AT = TABLE.time("updated_at");
    private static final Field<Long> DELETED_AT = TABLE.time("deleted_at");

    /** The columns a list may be sorted by. */
    public static final Set<String> SORT_KEYS = Set.of("id", "status", "size", "created_at");

    private final Database database;
    private final DSLContext dsl;

    public SnapshotGroupStore(Database database) {
        this.database = database;
        this.dsl = database.dsl();
    }

    /** What a list asks for: the project, exact-match filters (empty for none), the order and the page. */
    public record Query(
            String projectId,
            Optional<Set<String>> ids,
            Optional<String> name,
            Optional<String> status,
            Optional<String> serverId,
            String sortKey,
            boolean ascending,
            int offset,
            int limit) {}

    public void insert(DSLContext tx, SnapshotGroup group) {
        tx.insertInto(TABLE.table)
                .set(ID, group.id())
                .set(PROJECT_ID, group.projectId())
                .set(USER_ID, group.userId())
                .set(STATUS, group.status().wire())
                .set(HOST, group.host())
                .set(SERVER_ID, group.serverId())
                .set(SIZE, group.size())
                .set(NAME, group.name())
                .set(DESCRIPTION, group.description())
                .set(CREATED_AT, Micros.of(group.createdAt()))
                .set(TABLE.deleted, false)
                .execute();
    }

    /** The live snapshot group with this id, in this project when one is given. */
    public Optional<SnapshotGroup> find(DSLContext tx, String id, Optional<String> projectId) {
        Condition where = ID.eq(id).and(TABLE.live());
        if (projectId.isPresent()) {
            where = where.and(PROJECT_ID.eq(projectId.get()));
        }
        return read(tx, where, List.of(CREATED_AT.desc()), 0, 1).stream().findFirst();
    }

    public Optional<SnapshotGroup> find(String id, Optional<String> projectId) {
        return find(dsl, id, projectId);
    }

    /** One page of a project's live snapshot groups; the id breaks ties in the order asked for. */
    public List<SnapshotGroup> list(Query query) {
        Field<?> key = TABLE.columns.get(query.sortKey());
        List<SortField<?>> order = new ArrayList<>();
        order.add(query.ascending() ? key.asc() : key.desc());
        if (!query.sortKey().equals("id")) {
            order.add(query.ascending() ? ID.asc() : ID.desc());
        }
        return read(dsl, where(query), order, query.offset(), query.limit());
    }

    /** How many live snapshot groups match the query's filters, whatever its page. */
    public int count(Query query) {
        return dsl.fetchCount(TABLE.table, where(query));
    }

    /** Moves the live row from one of {@code from} to {@code to}; false when it is in none of them. */
    public boolean transition(
            DSLContext tx, String id, Set<SnapshotGroupStatus> from, SnapshotGroupStatus to, Instant now) {
        return tx.update(TABLE.table)
                        .set(STATUS, to.wire())
                        .set(UPDATED_AT, Micros.of(now))
                        .where(ID.eq(id)
                                .and(TABLE.live())
                                .and(STATUS.in(from.stream()
                                        .map(SnapshotGroupStatus::wire)
                                        .toList())))
                        .execute()
                == 1;
    }

    /** Ends the work: running to its outcome (a deleted row is soft-deleted); false when the row is no longer running. */
    public boolean finish(
            DSLContext tx, String id, SnapshotGroupStatus running, SnapshotGroupStatus outcome, Instant now) {
        var update = tx.update(TABLE.table).set(STATUS, outcome.wire()).set(UPDATED_AT, Micros.of(now));
        if (outcome == SnapshotGroupStatus.DELETED) {
            update = update.set(TABLE.deleted, true).set(DELETED_AT, Micros.of(now));
        }
        return update.where(ID.eq(id).and(TABLE.live()).and(STATUS.eq(running.wire())))
                        .execute()
                == 1;
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
    public boolean lockIfInStatus(DSLContext tx, String id, SnapshotGroupStatus status) {
        var select = tx.select(ID)
                .from(TABLE.table)
                .where(TABLE.live().and(ID.eq(id)).and(STATUS.eq(status.wire())));
        return (database.locksRows() ? select.forUpdate().fetchOptional() : select.fetchOptional()).isPresent();
    }

    /** Ids of live snapshot groups in a status, for the recovery pass. */
    public List<String> idsInStatus(SnapshotGroupStatus status) {
        return dsl.select(ID)
                .from(TABLE.table)
                .where(TABLE.live().and(STATUS.eq(status.wire())))
                .fetch(ID);
    }

    /** The host of a snapshot group's disks, for placing its tasks. */
    static Optional<String> host(DSLContext tx, String id) {
        return tx.select(HOST).from(TABLE.table).where(ID.eq(id)).fetchOptional(HOST);
    }

    private static Condition where(Query query) {
        Condition where = TABLE.live().and(PROJECT_ID.eq(query.projectId()));
        if (query.ids().isPresent()) {
            where = where.and(ID.in(query.ids().get()));
        }
        where = query.name().map(NAME::eq).map(where::and).orElse(where);
        where = query.status().map(STATUS::eq).map(where::and).orElse(where);
        return query.serverId().map(SERVER_ID::eq).map(where::and).orElse(where);
    }

    private static List<SnapshotGroup> read(
            DSLContext tx, Condition where, List<SortField<?>> order, int offset, int limit) {
        return tx
                .select(
                        ID,
                        PROJECT_ID,
                        USER_ID,
                        STATUS,
                        HOST,
                        SERVER_ID,
                        SIZE,
                        NAME,
                        DESCRIPTION,
                        CREATED_AT,
                        UPDATED_AT)
                .from(TABLE.table)
                .where(where)
                .orderBy(order)
                .limit(limit)
                .offset(offset)
                .fetch()
                .stream()
                .map(SnapshotGroupStore::group)
                .toList();
    }

    private static SnapshotGroup group(Record r) {
        return new SnapshotGroup(
                r.get(ID),
                r.get(PROJECT_ID),
                r.get(USER_ID),
                SnapshotGroupStatus.fromWire(r.get(STATUS)),
                r.get(HOST),
                r.get(SERVER_ID),
                r.get(SIZE),
                r.get(NAME),
                r.get(DESCRIPTION),
                Micros.toInstant(r.get(CREATED_AT)),
                Micros.toInstant(r.get(UPDATED_AT)));
    }
}
