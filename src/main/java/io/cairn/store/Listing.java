package io.cairn.store;

import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.falseCondition;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.selectOne;

import io.cairn.store.ListQuery.Filter;
import io.cairn.store.ListQuery.SortKey;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.impl.SQLDataType;

/**
 * The one list-query path shared by every resource: scope, filters, keyset paging on the effective sort
 * keys, offset and limit, all in one statement; metadata for a page in one more.
 */
final class Listing {
    private Listing() {}

    /** Live rows of the query's project (or of all projects) that pass every filter. */
    static Condition where(ResourceTable table, ListQuery query) {
        Condition condition = table.live();
        if (query.projectId().isPresent()) {
            condition = condition.and(table.projectId.eq(query.projectId().get()));
        }
        for (Filter filter : query.filters()) {
            condition = condition.and(filterCondition(table, filter));
        }
        return condition;
    }

    /** The marker row's values for the sort keys, or empty when no live row in scope has that id. */
    static Optional<ListQuery.Marker> markerRow(DSLContext dsl, ResourceTable table, ListQuery query, String markerId) {
        Condition scope = table.live().and(table.id.eq(markerId));
        if (query.projectId().isPresent()) {
            scope = scope.and(table.projectId.eq(query.projectId().get()));
        }
        List<Field<?>> fields = query.sortKeys().stream().<Field<?>>map(k -> table.columns.get(k.column())).toList();
        return dsl.select(fields).from(table.table).where(scope).fetchOptional()
                .map(r -> new ListQuery.Marker(java.util.Arrays.asList(r.intoArray())));
    }

    /** Turns a row and its metadata into a domain record. */
    interface RowMapper<T> {
        T map(Record row, Map<String, String> metadata);
    }

    /** One page, in order, each row with its metadata. */
    static <T> List<T> page(DSLContext dsl, ResourceTable table, ListQuery query, Optional<ListQuery.Marker> marker, RowMapper<T> mapper) {
        Condition condition = where(table, query);
        if (marker.isPresent()) {
            condition = condition.and(after(table, query.sortKeys(), marker.get()));
        }
        return withMetadata(dsl, table, dsl.select(table.columns.values()).from(table.table).where(condition)
                .orderBy(orderBy(table, query.sortKeys()))
                .limit(query.limit()).offset(query.offset())
                .fetch(), mapper);
    }

    /** Live rows matching {@code condition}, oldest first. */
    static <T> List<T> rows(DSLContext dsl, ResourceTable table, Condition condition, RowMapper<T> mapper) {
        return withMetadata(dsl, table, dsl.select(table.columns.values()).from(table.table)
                .where(table.live().and(condition))
                .orderBy(table.columns.get("created_at"), table.id).fetch(), mapper);
    }

    /** The live row with this id, in this project when one is given. */
    static <T> Optional<T> find(DSLContext dsl, ResourceTable table, String id, Optional<String> projectId, RowMapper<T> mapper) {
        Condition condition = table.id.eq(id);
        if (projectId.isPresent()) {
            condition = condition.and(table.projectId.eq(projectId.get()));
        }
        return rows(dsl, table, condition, mapper).stream().findFirst();
    }

    /**
     * Whether the live row with this id is in {@code status}, holding its row lock until the caller's
     * transaction ends on PostgreSQL (SQLite's one writer at a time needs none): a check that stays true
     * while the transaction acts on it, whatever other nodes do.
     */
    static boolean lockIfInStatus(Database database, DSLContext tx, ResourceTable table, String id, String status) {
        @SuppressWarnings("unchecked")
        Field<String> statusColumn = (Field<String>) table.columns.get("status");
        var select = tx.select(table.id).from(table.table).where(table.live().and(table.id.eq(id)).and(statusColumn.eq(status)));
        return (database.locksRows() ? select.forUpdate().fetchOptional() : select.fetchOptional()).isPresent();
    }

    private static <T> List<T> withMetadata(DSLContext dsl, ResourceTable table, List<? extends Record> rows, RowMapper<T> mapper) {
        Map<String, Map<String, String>> metadata = metadata(dsl, table.metadata, rows.stream().map(r -> r.get(table.id)).toList());
        return rows.stream().map(r -> mapper.map(r, metadata.getOrDefault(r.get(table.id), Map.of()))).toList();
    }

    static int count(DSLContext dsl, ResourceTable table, ListQuery query) {
        return dsl.fetchCount(table.table, where(table, query));
    }

    static List<SortField<?>> orderBy(ResourceTable table, List<SortKey> keys) {
        List<SortField<?>> order = new ArrayList<>();
        for (SortKey key : keys) {
            Field<?> field = table.columns.get(key.column());
            if (table.notNull.contains(key.column())) {
                // Plain ASC/DESC: the order an index gives, on both databases (PostgreSQL's backward scan is DESC NULLS FIRST).
                order.add(key.ascending() ? field.asc() : field.desc());
            } else {
                // NULL sorts lowest, as on SQLite and MySQL, whichever database runs the query.
                order.add(key.ascending() ? field.asc().nullsFirst() : field.desc().nullsLast());
            }
        }
        return order;
    }

    /**
     * Rows strictly after the marker in the sort order: the keyset condition, NULL-aware. When the first key
     * is never NULL, the condition also bounds it by the marker's value on its own, a range both databases
     * turn into an index seek: a page after a deep marker then reads no more rows than the first page.
     */
    @SuppressWarnings("unchecked")
    private static Condition after(ResourceTable table, List<SortKey> keys, ListQuery.Marker marker) {
        Condition seek = noCondition();
        SortKey first = keys.get(0);
        Object firstValue = marker.sortValues().get(0);
        if (firstValue != null && table.notNull.contains(first.column())) {
            Field<Object> field = (Field<Object>) table.columns.get(first.column());
            seek = first.ascending() ? field.ge(firstValue) : field.le(firstValue);
        }
        return seek.and(strictlyAfter(table, keys, marker));
    }

    @SuppressWarnings("unchecked")
    private static Condition strictlyAfter(ResourceTable table, List<SortKey> keys, ListQuery.Marker marker) {
        Condition result = falseCondition();
        Condition equalSoFar = noCondition();
        for (int i = 0; i < keys.size(); i++) {
            SortKey key = keys.get(i);
            Field<Object> field = (Field<Object>) table.columns.get(key.column());
            Object value = marker.sortValues().get(i);
            Condition beyond;
            if (key.ascending()) {
                beyond = value == null ? field.isNotNull() : field.gt(value);
            } else {
                beyond = value == null ? falseCondition() : field.lt(value).or(field.isNull());
            }
            result = result.or(equalSoFar.and(beyond));
            equalSoFar = equalSoFar.and(value == null ? field.isNull() : field.eq(value));
        }
        return result;
    }

    private static Condition filterCondition(ResourceTable table, Filter filter) {
        return switch (filter) {
            case Filter.Equals equals -> table.condition(equals.column(), field -> equalsValue(field, equals.value()))
                    .orElse(falseCondition());
            case Filter.AnyOf anyOf -> table.condition(anyOf.column(), field -> field.cast(SQLDataType.VARCHAR).in(anyOf.values()))
                    .orElse(falseCondition());
            // Cinder's LIKE '%value%' with the value as given: % and _ in it are wildcards too.
            case Filter.Contains contains -> table.condition(contains.column(),
                    // ILIKE on PostgreSQL: SQLite's LIKE (and MySQL's, under Cinder) ignores case.
                    field -> field.cast(SQLDataType.VARCHAR).likeIgnoreCase("%" + contains.value() + "%")).orElse(falseCondition());
            case Filter.Metadata metadata -> {
                Condition all = noCondition();
                ResourceTable.MetadataTable meta = table.metadata;
                for (Map.Entry<String, String> pair : metadata.pairs().entrySet()) {
                    if (pair.getKey() == null || pair.getValue() == null) {
                        yield falseCondition(); // a None (or unmatchable) key or value: stored pairs are never NULL
                    }
                    Condition pairMatches = exists(selectOne().from(meta.table()).where(meta.ownerId().eq(table.id)
                            .and(meta.key().eq(pair.getKey())).and(meta.value().eq(pair.getValue()))));
                    for (ResourceTable.MetadataTable more : table.alsoMatchedMetadata) {
                        pairMatches = pairMatches.or(exists(selectOne().from(more.table()).where(more.ownerId().eq(table.id)
                                .and(more.key().eq(pair.getKey())).and(more.value().eq(pair.getValue())))));
                    }
                    all = all.and(pairMatches);
                }
                yield all;
            }
        };
    }

    /** Equality with a value converted to the column's type; a value that does not convert matches nothing. */
    @SuppressWarnings("unchecked")
    private static Condition equalsValue(Field<?> field, String raw) {
        Class<?> type = field.getType();
        Object value;
        try {
            if (type == Integer.class) {
                value = Integer.valueOf(raw.trim());
            } else if (type == Long.class) {
                value = Micros.of(LocalDateTime.parse(raw.trim()).toInstant(ZoneOffset.UTC));
            } else if (type == Boolean.class) {
                value = parseBoolean(raw);
            } else {
                value = raw;
            }
        } catch (RuntimeException e) {
            return falseCondition();
        }
        return ((Field<Object>) field).eq(value);
    }

    private static Boolean parseBoolean(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "1", "t", "true", "on", "y", "yes" -> Boolean.TRUE;
            case "0", "f", "false", "off", "n", "no" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean: " + raw);
        };
    }

    /** Metadata of the given owners, each map in the order its keys were first set. */
    static Map<String, Map<String, String>> metadata(DSLContext dsl, ResourceTable.MetadataTable meta,
                                                     Collection<String> ownerIds) {
        Map<String, Map<String, String>> result = new HashMap<>();
        if (ownerIds.isEmpty()) {
            return result;
        }
        dsl.select(meta.ownerId(), meta.key(), meta.value()).from(meta.table())
                .where(meta.ownerId().in(ownerIds))
                .orderBy(meta.ownerId(), meta.position())
                .forEach(r -> result.computeIfAbsent(r.value1(), id -> new LinkedHashMap<>()).put(r.value2(), r.value3()));
        return result;
    }

    /** Replaces an owner's whole metadata map, keeping the map's order. */
    static void replaceMetadata(DSLContext dsl, ResourceTable.MetadataTable meta, String ownerId, Map<String, String> pairs) {
        dsl.deleteFrom(meta.table()).where(meta.ownerId().eq(ownerId)).execute();
        int position = 0;
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            dsl.insertInto(meta.table())
                    .set(meta.ownerId(), ownerId).set(meta.key(), pair.getKey())
                    .set(meta.value(), pair.getValue()).set(meta.position(), position++)
                    .execute();
        }
    }
}
