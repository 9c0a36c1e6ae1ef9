package io.cairn.store;

import java.util.List;
import java.util.Optional;

/** A resource store that the shared list rules can page through. */
public interface ListSource<T> {
    /** The column a filter or sort key names: the resource's own (a valid sort key) or a joined one; empty if unknown. */
    Optional<ListColumn> column(String name);

    /** The marker's sort values, or empty when it is not a live row in the query's scope. */
    Optional<ListQuery.Marker> markerRow(ListQuery query, String markerId);

    List<T> list(ListQuery query, Optional<ListQuery.Marker> marker);

    int count(ListQuery query);
}
