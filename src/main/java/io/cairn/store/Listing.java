package io.cairn.store;

import io.cairn.compat.OsloBoolean;
import io.cairn.domain.RowVersion;
import io.cairn.store.ListQuery.Filter;
import io.cairn.store.ListQuery.SortKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one read path shared by every resource: scope, filters, keyset paging on the effective sort keys,
 * offset and limit, and each row's metadata as one JSON object, all in one statement; writes stay with jOOQ.
 *
 * <p>The read statements are written here as SQL text, their bind values appended in the same step, and run
 * over plain JDBC with columns read by position: building, rendering and collecting binds through jOOQ's
 * query tree, then building its records, cost most of a list request. The SQL is the portable subset that
 * SQLite and PostgreSQL share; where they differ (case-insensitive LIKE, the JSON aggregate) the dialect picks.
 */
final class Listing {
    private Listing() {}

    private static final ObjectReader METADATA_MAP =
            JsonMapper.builder().build().readerFor(new TypeReference<LinkedHashMap<String, String>>() {});

    /** Turns a row and its metadata into a domain record. */
    interface RowMapper<T> {
        T map(Row row, Map<String, String> metadata);
    }

    /** One page, in order, each row with its metadata. */
    static <T> List<T> page(
            DSLContext dsl,
            ResourceTable table,
            ListQuery query,
            Optional<ListQuery.Marker> marker,
            RowMapper<T> mapper) {
        Sql sql = selectRows(dsl, table);
        where(sql, dsl, table, query);
        marker.ifPresent(m -> after(sql.append(" and "), table, query.sortKeys(), m));
        orderBy(sql, table, query.sortKeys());
        sql.append(" limit ").bind(query.limit()).append(" offset ").bind(query.offset());
        return fetch(dsl, sql, table, mapper);
    }

    /**
     * One page as ids and row versions, in order: the same scope, filters, marker, order, offset and limit as
     * {@link #page}, reading only what the default-order indexes hold, so that skipped offset rows cost an index
     * step each and nothing more. A deep page on SQLite starts from the nearest of the query's {@link OffsetAnchors}
     * when nothing was written since it was taken, and leaves anchors at its own first and last rows.
     */
    static List<RowVersion> pageVersions(
            DSLContext dsl,
            ResourceTable table,
            ListQuery query,
            Optional<ListQuery.Marker> marker,
            OffsetAnchors anchors) {
        if (dsl.dialect() != SQLDialect.SQLITE || query.offset() < OffsetAnchors.DEEP) {
            return run(
                    dsl,
                    versionsStatement(dsl, table, query, marker, query.offset(), query.limit(), false),
                    Listing::versions);
        }
        OffsetAnchors.Key key = OffsetAnchors.Key.of(table, query);
        Optional<OffsetAnchors.Anchor> anchor = anchors.nearest(key, query.offset());
        // A stale anchor is seen first by the counter alone, so a busy store pays for no skip twice.
        if (anchor.isPresent() && anchor.get().generation() != rowVersionCounter(dsl)) {
            anchors.forget(key);
            anchor = Optional.empty();
        }
        if (anchor.isPresent()) {
            AnchoredPage page = anchoredPage(
                    dsl,
                    table,
                    query,
                    Optional.of(anchor.get().after()),
                    query.offset() - anchor.get().offset());
            if (page.generation().isPresent()
                    && page.generation().getAsLong() == anchor.get().generation()) {
                page.remember(anchors, key, query);
                return page.rows();
            }
            anchors.forget(key);
        }
        AnchoredPage page = anchoredPage(dsl, table, query, marker, query.offset());
        page.remember(anchors, key, query);
        return page.rows();
    }

    /** SQLite's row version counter as it stands now. */
    private static long rowVersionCounter(DSLContext dsl) {
        return run(dsl, new Sql().append("select value from row_version_counter"), rows -> {
            rows.next();
            return rows.getLong(1);
        });
    }

    /**
     * A page's ids and versions, the sort values of the row just before it and of its last row (when there are such
     * rows), and the generation its statement read (empty when it read no row at all).
     */
    private record AnchoredPage(
            List<RowVersion> rows,
            Optional<ListQuery.Marker> before,
            Optional<ListQuery.Marker> last,
            OptionalLong generation) {
        void remember(OffsetAnchors anchors, OffsetAnchors.Key key, ListQuery query) {
            before.ifPresent(values ->
                    anchors.remember(key, new OffsetAnchors.Anchor(query.offset(), values, generation.getAsLong())));
            last.ifPresent(values -> anchors.remember(
                    key, new OffsetAnchors.Anchor(query.offset() + rows.size(), values, generation.getAsLong())));
        }
    }

    /** The page {@code skip} rows after {@code after}, read with the one row before it when it skips any. */
    private static AnchoredPage anchoredPage(
            DSLContext dsl, ResourceTable table, ListQuery query, Optional<ListQuery.Marker> after, int skip) {
        List<Field<?>> sortFields = query.sortKeys().stream()
                .<Field<?>>map(k -> table.columns.get(k.column()))
                .toList();
        int lead = skip > 0 ? 1 : 0;
        Sql sql = versionsStatement(dsl, table, query, after, skip - lead, query.limit() + lead, true);
        return run(dsl, sql, rows -> {
            List<RowVersion> versions = new ArrayList<>();
            Row row = new Row(rows, field -> 2 + sortFields.indexOf(field));
            Optional<ListQuery.Marker> before = Optional.empty();
            Optional<ListQuery.Marker> last = Optional.empty();
            OptionalLong generation = OptionalLong.empty();
            for (int i = 0; rows.next(); i++) {
                var values = Optional.of(new ListQuery.Marker(
                        sortFields.stream().<Object>map(row::get).toList()));
                generation = OptionalLong.of(rows.getLong(3 + sortFields.size()));
                if (i < lead) {
                    before = values;
                } else {
                    versions.add(new RowVersion(rows.getString(1), rows.getLong(2)));
                    last = values;
                }
            }
            return new AnchoredPage(versions, before, last, generation);
        });
    }

    /**
     * The ids and versions statement; {@code anchored} adds the rows' sort values and the SQLite row version counter
     * (one statement, so one snapshot of the database).
     */
    private static Sql versionsStatement(
            DSLContext dsl,
            ResourceTable table,
            ListQuery query,
            Optional<ListQuery.Marker> after,
            int offset,
            int limit,
            boolean anchored) {
        Sql sql = new Sql()
                .append("select ")
                .append(qualified(table.id))
                .append(", ")
                .append(qualified(table.version));
        if (anchored) {
            for (SortKey key : query.sortKeys()) {
                sql.append(", ").append(qualified(table.columns.get(key.column())));
            }
            sql.append(", (select value from row_version_counter)");
        }
        sql.append(" from ").append(table.table.getName());
        where(sql, dsl, table, query);
        after.ifPresent(m -> after(sql.append(" and "), table, query.sortKeys(), m));
        orderBy(sql, table, query.sortKeys());
        sql.append(" limit ").bind(limit).append(" offset ").bind(offset);
        return sql;
    }

    /** The live row's id and version, in this project when one is given. */
    static Optional<RowVersion> findVersion(
            DSLContext dsl, ResourceTable table, String id, Optional<String> projectId) {
        Sql sql = new Sql()
                .append("select ")
                .append(qualified(table.id))
                .append(", ")
                .append(qualified(table.version))
                .append(" from ")
                .append(table.table.getName())
                .append(" where ");
        scope(sql, table, id, projectId);
        return run(dsl, sql, Listing::versions).stream().findFirst();
    }

    /** The live rows with these ids in this project (when one is given), each with its metadata, in no order. */
    static <T> List<T> findAll(
            DSLContext dsl,
            ResourceTable table,
            Collection<String> ids,
            Optional<String> projectId,
            RowMapper<T> mapper) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Sql sql = selectRows(dsl, table)
                .append(" where ")
                .append(table.liveSql())
                .append(" and ")
                .append(qualified(table.id))
                .append(" in (");
        int i = 0;
        for (String id : ids) {
            sql.append(i++ == 0 ? "" : ", ").bind(id);
        }
        sql.append(")");
        projectId.ifPresent(project -> sql.append(" and ")
                .append(qualified(table.projectId))
                .append(" = ")
                .bind(project));
        return fetch(dsl, sql, table, mapper);
    }

    private static List<RowVersion> versions(ResultSet rows) throws SQLException {
        List<RowVersion> result = new ArrayList<>();
        while (rows.next()) {
            result.add(new RowVersion(rows.getString(1), rows.getLong(2)));
        }
        return result;
    }

    /** Live rows whose columns equal the given values (every live row for none), oldest first. */
    static <T> List<T> rows(
            DSLContext dsl, ResourceTable table, Map<Field<String>, String> equal, RowMapper<T> mapper) {
        Sql sql = selectRows(dsl, table).append(" where ").append(table.liveSql());
        equal.forEach((column, value) ->
                sql.append(" and ").append(qualified(column)).append(" = ").bind(value));
        sql.append(" order by ")
                .append(qualified(table.columns.get("created_at")))
                .append(", ")
                .append(qualified(table.id));
        return fetch(dsl, sql, table, mapper);
    }

    /** The live row with this id, in this project when one is given. */
    static <T> Optional<T> find(
            DSLContext dsl, ResourceTable table, String id, Optional<String> projectId, RowMapper<T> mapper) {
        Sql sql = selectRows(dsl, table).append(" where ");
        scope(sql, table, id, projectId);
        return fetch(dsl, sql, table, mapper).stream().findFirst();
    }

    /** The marker row's values for the sort keys, or empty when no live row in scope has that id. */
    static Optional<ListQuery.Marker> markerRow(DSLContext dsl, ResourceTable table, ListQuery query, String markerId) {
        List<Field<?>> fields = query.sortKeys().stream()
                .<Field<?>>map(k -> table.columns.get(k.column()))
                .toList();
        Sql sql = new Sql().append("select ");
        for (int i = 0; i < fields.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(qualified(fields.get(i)));
        }
        sql.append(" from ").append(table.table.getName()).append(" where ");
        scope(sql, table, markerId, query.projectId());
        return run(dsl, sql, rows -> {
            if (!rows.next()) {
                return Optional.empty();
            }
            Row row = new Row(rows, fields::indexOf);
            return Optional.of(
                    new ListQuery.Marker(fields.stream().<Object>map(row::get).toList()));
        });
    }

    static int count(DSLContext dsl, ResourceTable table, ListQuery query) {
        Sql sql = new Sql().append("select count(*) from ").append(table.table.getName());
        where(sql, dsl, table, query);
        return run(dsl, sql, rows -> {
            rows.next();
            return rows.getInt(1);
        });
    }

    /**
     * Whether the live row with this id is in {@code status}, holding its row lock until the caller's
     * transaction ends on PostgreSQL (SQLite's one writer at a time needs none): a check that stays true
     * while the transaction acts on it, whatever other nodes do.
     */
    static boolean lockIfInStatus(Database database, DSLContext tx, ResourceTable table, String id, String status) {
        Field<String> statusColumn = table.stringColumn("status");
        var select = tx.select(table.id)
                .from(table.table)
                .where(table.live().and(table.id.eq(id)).and(statusColumn.eq(status)));
        return (database.locksRows() ? select.forUpdate().fetchOptional() : select.fetchOptional()).isPresent();
    }

    /** The table's selected columns, then its metadata (if it has any) as one JSON object in key order. */
    private static Sql selectRows(DSLContext dsl, ResourceTable table) {
        Sql sql = new Sql().append("select ");
        for (Field<?> column : table.selected) {
            sql.append(qualified(column)).append(", ");
        }
        ResourceTable.MetadataTable meta = table.metadata;
        if (meta == null) {
            return sql.append("null from ").append(table.table.getName());
        }
        String aggregate = dsl.dialect() == SQLDialect.POSTGRES ? "json_object_agg" : "json_group_object";
        return sql.append("(select ")
                .append(aggregate)
                .append("(")
                .append(qualified(meta.key()))
                .append(", ")
                .append(qualified(meta.value()))
                .append(" order by ")
                .append(qualified(meta.position()))
                .append(") from ")
                .append(meta.table().getName())
                .append(" where ")
                .append(qualified(meta.ownerId()))
                .append(" = ")
                .append(qualified(table.id))
                .append(") from ")
                .append(table.table.getName());
    }

    /** Live rows of the query's project (or of all projects) that pass every filter. */
    private static void where(Sql sql, DSLContext dsl, ResourceTable table, ListQuery query) {
        sql.append(" where ").append(table.liveSql());
        query.projectId()
                .ifPresent(project -> sql.append(" and ")
                        .append(qualified(table.projectId))
                        .append(" = ")
                        .bind(project));
        for (Filter filter : query.filters()) {
            filterCondition(sql.append(" and "), dsl, table, filter);
        }
    }

    /** The live row with this id, within the project when one is given. */
    private static void scope(Sql sql, ResourceTable table, String id, Optional<String> projectId) {
        sql.append(table.liveSql())
                .append(" and ")
                .append(qualified(table.id))
                .append(" = ")
                .bind(id);
        projectId.ifPresent(project -> sql.append(" and ")
                .append(qualified(table.projectId))
                .append(" = ")
                .bind(project));
    }

    private static void orderBy(Sql sql, ResourceTable table, List<SortKey> keys) {
        sql.append(" order by ");
        for (int i = 0; i < keys.size(); i++) {
            SortKey key = keys.get(i);
            sql.append(i == 0 ? "" : ", ").append(qualified(table.columns.get(key.column())));
            if (table.notNull.contains(key.column())) {
                // Plain ASC/DESC: the order an index gives, on both databases (PostgreSQL's backward scan is DESC NULLS
                // FIRST).
                sql.append(key.ascending() ? " asc" : " desc");
            } else {
                // NULL sorts lowest, as on SQLite and MySQL, whichever database runs the query.
                sql.append(key.ascending() ? " asc nulls first" : " desc nulls last");
            }
        }
    }

    /**
     * Rows strictly after the marker in the sort order: the keyset condition, NULL-aware. When the first key
     * is never NULL, the condition also bounds it by the marker's value on its own, a range both databases
     * turn into an index seek: a page after a deep marker then reads no more rows than the first page.
     */
    private static void after(Sql sql, ResourceTable table, List<SortKey> keys, ListQuery.Marker marker) {
        SortKey first = keys.get(0);
        Object firstValue = marker.sortValues().get(0);
        if (firstValue != null && table.notNull.contains(first.column())) {
            sql.append(qualified(table.columns.get(first.column())))
                    .append(first.ascending() ? " >= " : " <= ")
                    .bind(firstValue)
                    .append(" and ");
        }
        sql.append("(");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "(" : " or (");
            for (int j = 0; j < i; j++) {
                String column = qualified(table.columns.get(keys.get(j).column()));
                Object value = marker.sortValues().get(j);
                if (value == null) {
                    sql.append(column).append(" is null and ");
                } else {
                    sql.append(column).append(" = ").bind(value).append(" and ");
                }
            }
            String column = qualified(table.columns.get(keys.get(i).column()));
            Object value = marker.sortValues().get(i);
            if (keys.get(i).ascending()) {
                if (value == null) {
                    sql.append(column).append(" is not null");
                } else {
                    sql.append(column).append(" > ").bind(value);
                }
            } else if (value == null) {
                sql.append("1 = 0"); // nothing sorts below NULL
            } else {
                sql.append("(")
                        .append(column)
                        .append(" < ")
                        .bind(value)
                        .append(" or ")
                        .append(column)
                        .append(" is null)");
            }
            sql.append(")");
        }
        sql.append(")");
    }

    private static void filterCondition(Sql sql, DSLContext dsl, ResourceTable table, Filter filter) {
        switch (filter) {
            case Filter.Equals equals ->
                test(
                        sql,
                        table,
                        equals.column().name(),
                        (column, out) -> converted(column, equals.value())
                                .ifPresentOrElse(
                                        value -> out.append(qualified(column))
                                                .append(" = ")
                                                .bind(value),
                                        () -> out.append("1 = 0")));
            case Filter.AnyOf anyOf ->
                test(sql, table, anyOf.column().name(), (column, out) -> {
                    if (anyOf.values().isEmpty()) {
                        out.append("1 = 0");
                        return;
                    }
                    out.append("cast(").append(qualified(column)).append(" as varchar) in (");
                    for (int i = 0; i < anyOf.values().size(); i++) {
                        out.append(i == 0 ? "" : ", ").bind(anyOf.values().get(i));
                    }
                    out.append(")");
                });
            // Cinder's LIKE '%value%' with the value as given: % and _ in it are wildcards too. ILIKE on
            // PostgreSQL: SQLite's LIKE (and MySQL's, under Cinder) ignores case.
            case Filter.Contains contains ->
                test(
                        sql,
                        table,
                        contains.column().name(),
                        (column, out) -> out.append("cast(")
                                .append(qualified(column))
                                .append(" as varchar) ")
                                .append(dsl.dialect() == SQLDialect.POSTGRES ? "ilike " : "like ")
                                .bind("%" + contains.value() + "%"));
            case Filter.Metadata metadata -> {
                if (table.metadata == null
                        || metadata.pairs().entrySet().stream()
                                .anyMatch(pair -> pair.getKey() == null || pair.getValue() == null)) {
                    sql.append("1 = 0"); // no metadata, or a None key or value: stored pairs are never NULL
                    return;
                }
                sql.append("1 = 1");
                List<ResourceTable.MetadataTable> tables = new ArrayList<>(List.of(table.metadata));
                tables.addAll(table.alsoMatchedMetadata);
                for (Map.Entry<String, String> pair : metadata.pairs().entrySet()) {
                    sql.append(" and (");
                    for (int i = 0; i < tables.size(); i++) {
                        ResourceTable.MetadataTable meta = tables.get(i);
                        sql.append(i == 0 ? "" : " or ")
                                .append("exists (select 1 from ")
                                .append(meta.table().getName())
                                .append(" where ")
                                .append(qualified(meta.ownerId()))
                                .append(" = ")
                                .append(qualified(table.id))
                                .append(" and ")
                                .append(qualified(meta.key()))
                                .append(" = ")
                                .bind(pair.getKey())
                                .append(" and ")
                                .append(qualified(meta.value()))
                                .append(" = ")
                                .bind(pair.getValue())
                                .append(")");
                    }
                    sql.append(")");
                }
            }
        }
    }

    /** A test on a column: the table's own, or one another table holds for the row; an unknown column matches nothing. */
    private static void test(Sql sql, ResourceTable table, String column, BiConsumer<Field<?>, Sql> test) {
        Field<?> own = table.columns.get(column);
        ResourceTable.Joined joined = table.joined.get(column);
        if (own != null) {
            test.accept(own, sql);
        } else if (joined != null) {
            sql.append("exists (select 1 from ")
                    .append(joined.table().table.getName())
                    .append(" where ")
                    .append(qualified(joined.table().id))
                    .append(" = ")
                    .append(qualified(joined.key()))
                    .append(" and ");
            test.accept(joined.column(), sql);
            sql.append(")");
        } else {
            sql.append("1 = 0");
        }
    }

    /** The raw filter value as the column's type, or empty when it does not convert (and so matches nothing). */
    private static Optional<Object> converted(Field<?> field, String raw) {
        Class<?> type = field.getType();
        try {
            if (type == Integer.class) {
                return Optional.of(Integer.valueOf(raw.trim()));
            } else if (type == Long.class) {
                return Optional.of(Micros.of(LocalDateTime.parse(raw.trim()).toInstant(ZoneOffset.UTC)));
            } else if (type == Boolean.class) {
                // A value that is not one of oslo's words converts to nothing, so it matches nothing.
                return OsloBoolean.fromString(raw).map(Object.class::cast);
            }
            return Optional.of(raw);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String qualified(Field<?> column) {
        return ResourceTable.qualified(column);
    }

    /** SQL text and its bind values, written together so that they cannot drift apart. */
    private static final class Sql {
        private final StringBuilder text = new StringBuilder(1024);
        private final List<Object> binds = new ArrayList<>();

        Sql append(String part) {
            text.append(part);
            return this;
        }

        Sql bind(Object value) {
            text.append('?');
            binds.add(value);
            return this;
        }
    }

    private interface ResultReader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    /** Runs the statement on the context's connection (the transaction's, inside one). */
    private static <T> T run(DSLContext dsl, Sql sql, ResultReader<T> reader) {
        String text = sql.text.toString();
        return dsl.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(text)) {
                for (int i = 0; i < sql.binds.size(); i++) {
                    statement.setObject(i + 1, sql.binds.get(i));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    return reader.read(rows);
                }
            } catch (SQLException e) {
                throw new DataAccessException("SQL [" + text + "]; " + e.getMessage(), e);
            }
        });
    }

    private static <T> List<T> fetch(DSLContext dsl, Sql sql, ResourceTable table, RowMapper<T> mapper) {
        int metadataColumn = table.selected.size() + 1;
        return run(dsl, sql, rows -> {
            List<T> result = new ArrayList<>();
            Row row = new Row(rows, table::position);
            while (rows.next()) {
                result.add(mapper.map(row, metadataMap(rows.getString(metadataColumn))));
            }
            return result;
        });
    }

    private static Map<String, String> metadataMap(String json) {
        // SQLite aggregates no rows to {}, PostgreSQL to NULL.
        return json == null || json.equals("{}") ? Map.of() : METADATA_MAP.readValue(json);
    }

    /** The current row of a result, its columns read by field. */
    static final class Row {
        private final ResultSet rows;
        /** A field's 0-based position among the selected columns. */
        private final ToIntFunction<Field<?>> positions;

        private Row(ResultSet rows, ToIntFunction<Field<?>> positions) {
            this.rows = rows;
            this.positions = positions;
        }

        @SuppressWarnings("unchecked")
        <T> T get(Field<T> field) {
            int column = positions.applyAsInt(field) + 1;
            try {
                Class<T> type = field.getType();
                Object value;
                if (type == String.class) {
                    value = rows.getString(column);
                } else if (type == Long.class) {
                    value = rows.getLong(column);
                } else if (type == Integer.class) {
                    value = rows.getInt(column);
                } else if (type == Boolean.class) {
                    value = rows.getBoolean(column);
                } else {
                    throw new IllegalArgumentException("no reader for column type " + type);
                }
                return rows.wasNull() ? null : (T) value;
            } catch (SQLException e) {
                throw new DataAccessException("reading " + field.getName(), e);
            }
        }
    }

    /** Replaces an owner's whole metadata map, keeping the map's order. */
    static void replaceMetadata(
            DSLContext dsl, ResourceTable.MetadataTable meta, String ownerId, Map<String, String> pairs) {
        dsl.deleteFrom(meta.table()).where(meta.ownerId().eq(ownerId)).execute();
        int position = 0;
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            dsl.insertInto(meta.table())
                    .set(meta.ownerId(), ownerId)
                    .set(meta.key(), pair.getKey())
                    .set(meta.value(), pair.getValue())
                    .set(meta.position(), position++)
                    .execute();
        }
    }
}
