package io.cairn.store;

import io.cairn.domain.GroupType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** Group types and their specs. Names are unique among live types; the service checks that in its transaction. */
public final class GroupTypeStore {
    private static final TypeTable TYPES = new TypeTable("group_types", "group_type_specs", "group_type_id", true);
    private static final Field<Long> UPDATED_AT = DSL.field(DSL.name("group_types", "updated_at"), SQLDataType.BIGINT);

    private final DSLContext dsl;

    public GroupTypeStore(Database database) {
        this.dsl = database.dsl();
    }

    public void insert(DSLContext tx, GroupType type, Instant now) {
        TYPES.insert(
                tx, new TypeTable.Row(type.id(), type.name(), type.description(), type.isPublic(), type.specs()), now);
    }

    public Optional<GroupType> find(DSLContext tx, String id) {
        return read(tx, TYPES.id.eq(id)).stream().findFirst();
    }

    public Optional<GroupType> find(String id) {
        return find(dsl, id);
    }

    public Optional<GroupType> findByName(DSLContext tx, String name) {
        return read(tx, TYPES.name.eq(name)).stream().findFirst();
    }

    /** The live types (those whose visibility is {@code isPublic} when given), by name. */
    public List<GroupType> list(Optional<Boolean> isPublic) {
        return read(dsl, isPublic.map(TYPES.isPublic::eq).orElse(DSL.noCondition()));
    }

    private static List<GroupType> read(DSLContext tx, Condition where) {
        return TYPES.read(tx, where).stream()
                .map(r -> new GroupType(r.id(), r.name(), r.description(), r.isPublic(), r.specs()))
                .toList();
    }

    public void update(DSLContext tx, String id, String name, String description, boolean isPublic, Instant now) {
        tx.update(TYPES.table)
                .set(TYPES.name, name)
                .set(TYPES.description, description)
                .set(TYPES.isPublic, isPublic)
                .set(UPDATED_AT, Micros.of(now))
                .where(TYPES.id.eq(id).and(TYPES.live()))
                .execute();
    }

    /** Soft-deletes the type unless a live group has it; returns whether it did. */
    public boolean deleteUnlessInUse(DSLContext tx, String id, Instant now) {
        return TYPES.deleteIf(
                tx,
                id,
                DSL.notExists(DSL.selectOne()
                        .from(GroupStore.TABLE.table)
                        .where(GroupStore.TABLE
                                .stringColumn("group_type_id")
                                .eq(TYPES.id)
                                .and(GroupStore.TABLE.live()))),
                now);
    }

    /** Sets these specs, keeping the others. */
    public void setSpecs(DSLContext tx, String typeId, Map<String, String> specs) {
        TYPES.setSpecs(tx, typeId, specs);
    }

    /** Removes one spec; returns whether it was there. */
    public boolean deleteSpec(DSLContext tx, String typeId, String key) {
        return TYPES.deleteSpec(tx, typeId, key);
    }
}
