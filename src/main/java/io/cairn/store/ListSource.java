package io.cairn.store;

import java.util.List;
import java.util.Optional;

/** A resource store that the shared list rules can page through. */
public interface ListSource<T> {
    /** Whether the name is one of the resource's columns (a valid sort key and admin filter). */
    boolean isColumn(String column);

    /** The marker's sort values, or empty when it is not a live row in the query's scope. */
    Optional<ListQuery.Marker> markerRow(ListQuery query, String markerId);

    List<T> list(ListQuery query, Optional<ListQuery.Marker> marker);

    int count(ListQuery query);
}
