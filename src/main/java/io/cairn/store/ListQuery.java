package io.cairn.store;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One validated list request, ready to become one SQL statement: which project (empty for all), which
 * filters, the effective sort keys (ending in a unique key, so the order is total), the marker to page
 * after, then offset and limit.
 */
public record ListQuery(
        Optional<String> projectId,
        List<Filter> filters,
        List<SortKey> sortKeys,
        Optional<String> marker,
        int offset,
        int limit) {

    public ListQuery {
        requireNonNull(projectId, "projectId is null");
        filters = List.copyOf(filters);
        sortKeys = List.copyOf(sortKeys);
        requireNonNull(marker, "marker is null");
    }

    public record SortKey(String column, boolean ascending) {}

    /** The marker row's values for the sort keys, in sort-key order. */
    public record Marker(List<Object> sortValues) {}

    /** A condition on the listed rows, on columns the resource's store knows ({@link ListSource#column}). */
    public sealed interface Filter {
        /** The column equals the value, converted to the column's type; a value that does not convert matches nothing. */
        record Equals(ListColumn column, String value) implements Filter {}

        /** The column equals one of the values (EVS's repeatable {@code id} filter). */
        record AnyOf(ListColumn column, List<String> values) implements Filter {
            public AnyOf {
                values = List.copyOf(values);
            }
        }

        /** The column is {@code LIKE '%value%'}, the value unescaped ({@code %} and {@code _} are wildcards), as in Cinder. */
        record Contains(ListColumn column, String value) implements Filter {}

        /** Every pair is in the resource's metadata; a {@code null} key or value (Python's None) matches nothing. */
        record Metadata(Map<String, String> pairs) implements Filter {}
    }
}
