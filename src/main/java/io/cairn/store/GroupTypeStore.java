package io.cairn.store;

import io.cairn.domain.GroupType;
import java.time.Instant;
import java.util.LinkedHashMap;
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

/** Group types and their specs. Names are unique among live types; the service checks that in its transaction. */
public final class GroupTypeStore {
    private static final Table<Record> TYPES = DSL.table(DSL.name("group_types"));
    private static final Field<String> ID = DSL.field(DSL.name("group_types", "id"), SQLDataType.VARCHAR);
    private static final Field<String> NAME = DSL.field(DSL.name("group_types", "name"), SQLDataType.VARCHAR);
    private static final Field<String> DESCRIPTION =
            DSL.field(DSL.name("group_types", "description"), SQLDataType.VARCHAR);
    private static final Field<Boolean> IS_PUBLIC =
            DSL.field(DSL.name("group_types", "is_public"), SQLDataType.BOOLEAN);
    private static final Field<Long> CREATED_AT = DSL.field(DSL.name("group_types", "created_at"), SQLDataType.BIGINT);
    private static final Field<Long> UPDATED_AT = DSL.field(DSL.name("group_types", "updated_at"), SQLDataType.BIGINT);
    private static final Field<Long> DELETED_AT = DSL.field(DSL.name("group_types", "deleted_at"), SQLDataType.BIGINT);
    private static final Field<Boolean> DELETED = DSL.field(DSL.name("group_types", "deleted"), SQLDataType.BOOLEAN);

    private static final Table<Record> SPECS = DSL.table(DSL.name("group_type_specs"));
    private static final Field<String> SPEC_TYPE =
            DSL.field(DSL.name("group_type_specs", "group_type_id"), SQLDataType.VARCHAR);
    private static final Field<String> SPEC_KEY =
            DSL.field(DSL.name("group_type_specs", "spec_key"), SQLDataType.VARCHAR);
    private static final Field<String> SPEC_VALUE =
            DSL.field(DSL.name("group_type_specs", "spec_value"), SQLDataType.VARCHAR);

    private final DSLContext dsl;

    public GroupTypeStore(Database database) {
        this.dsl = database.dsl();
    }

    private static Condition live() {
        return DSL.condition("group_types.deleted = FALSE");
    }

    public void insert(DSLContext tx, GroupType type, Instant now) {
        tx.insertInto(TYPES)
                .set(ID, type.id())
                .set(NAME, type.name())
                .set(DESCRIPTION, type.description())
                .set(IS_PUBLIC, type.isPublic())
                .set(CREATED_AT, Micros.of(now))
                .set(DELETED, false)
                .execute();
        setSpecs(tx, type.id(), type.specs());
    }

    public Optional<GroupType> find(DSLContext tx, String id) {
        return read(tx, ID.eq(id)).stream().findFirst();
    }

    public Optional<GroupType> find(String id) {
        return find(dsl, id);
    }

    public Optional<GroupType> findByName(DSLContext tx, String name) {
        return read(tx, NAME.eq(name)).stream().findFirst();
    }

    /** The live types (those whose visibility is {@code isPublic} when given), by name. */
    public List<GroupType> list(Optional<Boolean> isPublic) {
        return read(dsl, isPublic.map(IS_PUBLIC::eq).orElse(DSL.noCondition()));
    }

    private List<GroupType> read(DSLContext tx, Condition where) {
        var rows = tx.select(ID, NAME, DESCRIPTION, IS_PUBLIC)
                .from(TYPES)
                .where(where.and(live()))
                .orderBy(NAME, ID)
                .fetch();
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, String>> specs = tx
                .select(SPEC_TYPE, SPEC_KEY, SPEC_VALUE)
                .from(SPECS)
                .where(SPEC_TYPE.in(rows.map(r -> r.get(ID))))
                .orderBy(SPEC_TYPE, SPEC_KEY)
                .fetch()
                .stream()
                .collect(Collectors.groupingBy(
                        r -> r.get(SPEC_TYPE),
                        Collectors.toMap(
                                r -> r.get(SPEC_KEY), r -> r.get(SPEC_VALUE), (a, b) -> a, LinkedHashMap::new)));
        return rows.map(r -> new GroupType(
                r.get(ID),
                r.get(NAME),
                r.get(DESCRIPTION),
                Boolean.TRUE.equals(r.get(IS_PUBLIC)),
                specs.getOrDefault(r.get(ID), Map.of())));
    }

    public void update(DSLContext tx, String id, String name, String description, boolean isPublic, Instant now) {
        tx.update(TYPES)
                .set(NAME, name)
                .set(DESCRIPTION, description)
                .set(IS_PUBLIC, isPublic)
                .set(UPDATED_AT, Micros.of(now))
                .where(ID.eq(id).and(live()))
                .execute();
    }

    /** Soft-deletes the type unless a live group has it; returns whether it did. */
    public boolean deleteUnlessInUse(DSLContext tx, String id, Instant now) {
        return tx.update(TYPES)
                        .set(DELETED, true)
                        .set(DELETED_AT, Micros.of(now))
                        .where(ID.eq(id)
                                .and(live())
                                .and(DSL.notExists(DSL.selectOne()
                                        .from(GroupStore.TABLE.table)
                                        .where(GroupStore.TABLE
                                                .stringColumn("group_type_id")
                                                .eq(ID)
                                                .and(GroupStore.TABLE.live())))))
                        .execute()
                == 1;
    }

    /** Sets these specs, keeping the others. */
    public void setSpecs(DSLContext tx, String typeId, Map<String, String> specs) {
        specs.forEach((key, value) -> {
            tx.deleteFrom(SPECS)
                    .where(SPEC_TYPE.eq(typeId).and(SPEC_KEY.eq(key)))
                    .execute();
            tx.insertInto(SPECS)
                    .set(SPEC_TYPE, typeId)
                    .set(SPEC_KEY, key)
                    .set(SPEC_VALUE, value)
                    .execute();
        });
    }

    /** Removes one spec; returns whether it was there. */
    public boolean deleteSpec(DSLContext tx, String typeId, String key) {
        return tx.deleteFrom(SPECS)
                        .where(SPEC_TYPE.eq(typeId).and(SPEC_KEY.eq(key)))
                        .execute()
                == 1;
    }
}
