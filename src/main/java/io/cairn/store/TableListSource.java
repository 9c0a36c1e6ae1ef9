package io.cairn.store;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jooq.DSLContext;

/**
 * A resource table paged through {@link Listing} as it is: the list source of a store whose rows need nothing more
 * than {@code complete} (values another table holds) to become its records.
 */
final class TableListSource<T> implements ListSource<T> {
    private final DSLContext dsl;
    private final ResourceTable table;
    private final Listing.RowMapper<T> mapper;
    private final UnaryOperator<List<T>> complete;

    TableListSource(DSLContext dsl, ResourceTable table, Listing.RowMapper<T> mapper, UnaryOperator<List<T>> complete) {
        this.dsl = dsl;
        this.table = table;
        this.mapper = mapper;
        this.complete = complete;
    }

    TableListSource(DSLContext dsl, ResourceTable table, Listing.RowMapper<T> mapper) {
        this(dsl, table, mapper, UnaryOperator.identity());
    }

    @Override
    public Optional<ListColumn> column(String name) {
        return table.column(name);
    }

    @Override
    public Optional<ListQuery.Marker> markerRow(ListQuery query, String markerId) {
        return Listing.markerRow(dsl, table, query, markerId);
    }

    @Override
    public List<T> list(ListQuery query, Optional<ListQuery.Marker> marker) {
        return complete.apply(Listing.page(dsl, table, query, marker, mapper));
    }

    @Override
    public int count(ListQuery query) {
        return Listing.count(dsl, table, query);
    }
}
