package io.cairn.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A listable resource table: its columns by name (the names clients sort and filter by), the metadata
 * table that belongs to it, and filters on values that live in another table.
 */
final class ResourceTable {
    final Table<Record> table;
    final Field<String> id;
    final Field<String> projectId;
    final Field<Boolean> deleted;
    /**
     * The row version (V11): not among {@link #columns}, since clients neither sort nor filter by it; the
     * database's triggers give it a new value on every write to the row or to what hangs off it.
     */
    final Field<Long> version;

    final Map<String, Field<?>> columns = new LinkedHashMap<>();
    /** The columns a read selects, in order: those the domain record is made of (every column may filter or sort). */
    final List<Field<?>> selected = new java.util.ArrayList<>();
    /** Each selected column's 0-based position, for reading results by position. */
    private final Map<Field<?>, Integer> positions = new java.util.IdentityHashMap<>();
    /** Columns declared NOT NULL: their sort needs no NULLS FIRST/LAST, which PostgreSQL's indexes could not serve. */
    final Set<String> notNull = new HashSet<>(Set.of("id", "project_id", "created_at"));

    final MetadataTable metadata;
    /** Further key/value tables a metadata filter also matches (Cinder matches a volume's admin metadata too). */
    final java.util.List<MetadataTable> alsoMatchedMetadata = new java.util.ArrayList<>();
    /** Filter-only columns whose values live in another table. */
    final Map<String, Joined> joined = new LinkedHashMap<>();

    ResourceTable(String tableName, MetadataTable metadata) {
        this.table = table(name(tableName));
        this.metadata = metadata;
        this.id = string("id");
        this.projectId = string("project_id");
        this.deleted = column("deleted", SQLDataType.BOOLEAN);
        this.version = field(name(tableName, "row_version"), SQLDataType.BIGINT);
    }

    /**
     * Rows not soft-deleted, written as {@code deleted = FALSE}: the very term of the partial indexes, which
     * SQLite's planner must see to use them ({@code deleted = 0} does not match).
     */
    Condition live() {
        return DSL.condition(liveSql());
    }

    String liveSql() {
        return qualified(deleted) + " = FALSE";
    }

    /** {@code table.column}, unquoted: every name in the schema is a plain lower-case identifier. */
    static String qualified(Field<?> column) {
        return String.join(".", column.getQualifiedName().getName());
    }

    <T> Field<T> column(String column, DataType<T> type) {
        Field<T> f = field(name(table.getName(), column), type);
        columns.put(column, f);
        return f;
    }

    /** Declares the columns reads select, in the order given. */
    void select(Field<?>... fields) {
        for (Field<?> field : fields) {
            positions.put(field, selected.size());
            selected.add(field);
        }
    }

    int position(Field<?> column) {
        Integer position = positions.get(column);
        if (position == null) {
            throw new IllegalArgumentException(column + " is not a selected column of " + table.getName());
        }
        return position;
    }

    /** Declares columns the schema has as NOT NULL. */
    void notNull(String... columnNames) {
        notNull.addAll(List.of(columnNames));
    }

    /** A text column declared before, by name. */
    @SuppressWarnings("unchecked")
    Field<String> stringColumn(String column) {
        return (Field<String>) java.util.Objects.requireNonNull(columns.get(column), column);
    }

    Field<String> string(String column) {
        return column(column, SQLDataType.VARCHAR);
    }

    Field<Long> time(String column) {
        return column(column, SQLDataType.BIGINT);
    }

    /** The table's own column by that name, else its joined filter, else empty. */
    Optional<ListColumn> column(String name) {
        if (columns.containsKey(name)) {
            return Optional.of(new ListColumn(name, false));
        }
        return joined.containsKey(name) ? Optional.of(new ListColumn(name, true)) : Optional.empty();
    }

    /** A column of {@code table}, reached from this table's row through {@code key} (that table's id). */
    record Joined(ResourceTable table, Field<String> key, Field<?> column) {}

    /**
     * Declares a filter-only column whose value lives in another table: a snapshot's availability zone is
     * its volume's, say.
     */
    void joinedFilter(String name, ResourceTable other, Field<String> key, String otherColumn) {
        joined.put(name, new Joined(other, key, other.columns.get(otherColumn)));
    }

    /** A metadata table: (owner id, key, value, position). */
    record MetadataTable(
            Table<Record> table,
            Field<String> ownerId,
            Field<String> key,
            Field<String> value,
            Field<Integer> position) {
        static MetadataTable of(String tableName, String ownerColumn) {
            return new MetadataTable(
                    DSL.table(name(tableName)),
                    field(name(tableName, ownerColumn), SQLDataType.VARCHAR),
                    field(name(tableName, "meta_key"), SQLDataType.VARCHAR),
                    field(name(tableName, "meta_value"), SQLDataType.VARCHAR),
                    field(name(tableName, "position"), SQLDataType.INTEGER));
        }
    }
}
