package io.cairn.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A table of named types with a key/value table of specs beside it, as volume types and group types are stored:
 * rows soft-deleted, specs read in key order.
 */
final class TypeTable {
    /** A live type as stored. */
    record Row(String id, String name, String description, boolean isPublic, Map<String, String> specs) {}

    final Table<Record> table;
    final Field<String> id;
    final Field<String> name;
    final Field<String> description;
    final Field<Boolean> isPublic;
    private final Field<Long> createdAt;
    private final Field<Long> deletedAt;
    private final Field<Boolean> deleted;
    private final Table<Record> specs;
    private final Field<String> specType;
    private final Field<String> specKey;
    private final Field<String> specValue;
    private final Field<?> order;
    /** {@code <table>.deleted = FALSE}, the very term of the partial indexes (see {@link ResourceTable#live}). */
    private final String liveSql;

    /**
     * @param specsTable the specs table, whose {@code specsOwner} column names the type
     * @param byName whether lists come by name (else oldest first)
     */
    TypeTable(String tableName, String specsTable, String specsOwner, boolean byName) {
        this.table = DSL.table(DSL.name(tableName));
        this.id = DSL.field(DSL.name(tableName, "id"), SQLDataType.VARCHAR);
        this.name = DSL.field(DSL.name(tableName, "name"), SQLDataType.VARCHAR);
        this.description = DSL.field(DSL.name(tableName, "description"), SQLDataType.VARCHAR);
        this.isPublic = DSL.field(DSL.name(tableName, "is_public"), SQLDataType.BOOLEAN);
        this.createdAt = DSL.field(DSL.name(tableName, "created_at"), SQLDataType.BIGINT);
        this.deletedAt = DSL.field(DSL.name(tableName, "deleted_at"), SQLDataType.BIGINT);
        this.deleted = DSL.field(DSL.name(tableName, "deleted"), SQLDataType.BOOLEAN);
        this.specs = DSL.table(DSL.name(specsTable));
        this.specType = DSL.field(DSL.name(specsTable, specsOwner), SQLDataType.VARCHAR);
        this.specKey = DSL.field(DSL.name(specsTable, "spec_key"), SQLDataType.VARCHAR);
        this.specValue = DSL.field(DSL.name(specsTable, "spec_value"), SQLDataType.VARCHAR);
        this.order = byName ? name : createdAt;
        this.liveSql = tableName + ".deleted = FALSE";
    }

    Condition live() {
        return DSL.condition(liveSql);
    }

    void insert(DSLContext tx, Row type, Instant now) {
        tx.insertInto(table)
                .set(id, type.id())
                .set(name, type.name())
                .set(description, type.description())
                .set(isPublic, type.isPublic())
                .set(createdAt, Micros.of(now))
                .set(deleted, false)
                .execute();
        setSpecs(tx, type.id(), type.specs());
    }

    /** The live types that match, in the table's order, each with its specs. */
    List<Row> read(DSLContext tx, Condition where) {
        var rows = tx.select(id, name, description, isPublic)
                .from(table)
                .where(where.and(live()))
                .orderBy(order, id)
                .fetch();
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, String>> byType = tx
                .select(specType, specKey, specValue)
                .from(specs)
                .where(specType.in(rows.map(r -> r.get(id))))
                .orderBy(specType, specKey)
                .fetch()
                .stream()
                .collect(Collectors.groupingBy(
                        r -> r.get(specType),
                        Collectors.toMap(r -> r.get(specKey), r -> r.get(specValue), (a, b) -> a, LinkedHashMap::new)));
        return rows.map(r -> new Row(
                r.get(id),
                r.get(name),
                r.get(description),
                Boolean.TRUE.equals(r.get(isPublic)),
                byType.getOrDefault(r.get(id), Map.of())));
    }

    /** Sets these specs, keeping the others. */
    void setSpecs(DSLContext tx, String typeId, Map<String, String> values) {
        values.forEach((key, value) -> {
            tx.deleteFrom(specs).where(specType.eq(typeId).and(specKey.eq(key))).execute();
            tx.insertInto(specs)
                    .set(specType, typeId)
                    .set(specKey, key)
                    .set(specValue, value)
                    .execute();
        });
    }

    /** Removes one spec; returns whether it was there. */
    boolean deleteSpec(DSLContext tx, String typeId, String key) {
        return tx.deleteFrom(specs)
                        .where(specType.eq(typeId).and(specKey.eq(key)))
                        .execute()
                == 1;
    }

    /** Soft-deletes the live type when {@code unused} holds for it; returns whether it did. */
    boolean deleteIf(DSLContext tx, String typeId, Condition unused, Instant now) {
        return tx.update(table)
                        .set(deleted, true)
                        .set(deletedAt, Micros.of(now))
                        .where(id.eq(typeId).and(live()).and(unused))
                        .execute()
                == 1;
    }
}
