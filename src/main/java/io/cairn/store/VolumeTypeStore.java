package io.cairn.store;

import io.cairn.domain.VolumeType;
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

/**
 * The volume types an admin created, with their extra specs; the {@code __DEFAULT__} type is not stored. Names are
 * unique among live types; the service checks that in its transaction.
 */
public final class VolumeTypeStore {
    private static final Table<Record> TYPES = DSL.table(DSL.name("volume_types"));
    private static final Field<String> ID = DSL.field(DSL.name("volume_types", "id"), SQLDataType.VARCHAR);
    private static final Field<String> NAME = DSL.field(DSL.name("volume_types", "name"), SQLDataType.VARCHAR);
    private static final Field<String> DESCRIPTION =
            DSL.field(DSL.name("volume_types", "description"), SQLDataType.VARCHAR);
    private static final Field<Boolean> IS_PUBLIC =
            DSL.field(DSL.name("volume_types", "is_public"), SQLDataType.BOOLEAN);
    private static final Field<Long> CREATED_AT = DSL.field(DSL.name("volume_types", "created_at"), SQLDataType.BIGINT);
    private static final Field<Long> DELETED_AT = DSL.field(DSL.name("volume_types", "deleted_at"), SQLDataType.BIGINT);
    private static final Field<Boolean> DELETED = DSL.field(DSL.name("volume_types", "deleted"), SQLDataType.BOOLEAN);

    private static final Table<Record> SPECS = DSL.table(DSL.name("volume_type_extra_specs"));
    private static final Field<String> SPEC_TYPE =
            DSL.field(DSL.name("volume_type_extra_specs", "volume_type_id"), SQLDataType.VARCHAR);
    private static final Field<String> SPEC_KEY =
            DSL.field(DSL.name("volume_type_extra_specs", "spec_key"), SQLDataType.VARCHAR);
    private static final Field<String> SPEC_VALUE =
            DSL.field(DSL.name("volume_type_extra_specs", "spec_value"), SQLDataType.VARCHAR);

    private final DSLContext dsl;

    public VolumeTypeStore(Database database) {
        this.dsl = database.dsl();
    }

    private static Condition live() {
        return DSL.condition("volume_types.deleted = FALSE");
    }

    public void insert(DSLContext tx, VolumeType type, Instant now) {
        tx.insertInto(TYPES)
                .set(ID, type.id())
                .set(NAME, type.name())
                .set(DESCRIPTION, type.description())
                .set(IS_PUBLIC, type.isPublic())
                .set(CREATED_AT, Micros.of(now))
                .set(DELETED, false)
                .execute();
        type.extraSpecs()
                .forEach((key, value) -> tx.insertInto(SPECS)
                        .set(SPEC_TYPE, type.id())
                        .set(SPEC_KEY, key)
                        .set(SPEC_VALUE, value)
                        .execute());
    }

    public Optional<VolumeType> find(DSLContext tx, String id) {
        return read(tx, ID.eq(id)).stream().findFirst();
    }

    public Optional<VolumeType> findByName(DSLContext tx, String name) {
        return read(tx, NAME.eq(name)).stream().findFirst();
    }

    /** Every live stored type, oldest first. */
    public List<VolumeType> list() {
        return read(dsl, DSL.noCondition());
    }

    private List<VolumeType> read(DSLContext tx, Condition where) {
        var rows = tx.select(ID, NAME, DESCRIPTION, IS_PUBLIC)
                .from(TYPES)
                .where(where.and(live()))
                .orderBy(CREATED_AT, ID)
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
        return rows.map(r -> new VolumeType(
                r.get(ID),
                r.get(NAME),
                r.get(DESCRIPTION),
                Boolean.TRUE.equals(r.get(IS_PUBLIC)),
                specs.getOrDefault(r.get(ID), Map.of()),
                Optional.empty()));
    }

    /** Soft-deletes the type unless a live volume or group has it; returns whether it did. */
    public boolean deleteUnlessInUse(DSLContext tx, String id, Instant now) {
        Condition unused = DSL.notExists(DSL.selectOne()
                        .from(VolumeStore.TABLE.table)
                        .where(VolumeStore.TABLE
                                .stringColumn("volume_type_id")
                                .eq(ID)
                                .and(VolumeStore.TABLE.live())))
                .and(DSL.condition("not exists (select 1 from volume_group_types uses join volume_groups owners"
                        + " on owners.id = uses.group_id where uses.volume_type_id = volume_types.id"
                        + " and owners.deleted = FALSE)"));
        return tx.update(TYPES)
                        .set(DELETED, true)
                        .set(DELETED_AT, Micros.of(now))
                        .where(ID.eq(id).and(live()).and(unused))
                        .execute()
                == 1;
    }
}
