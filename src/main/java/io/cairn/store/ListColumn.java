package io.cairn.store;

import static java.util.Objects.requireNonNull;

/**
 * A column a list may filter by, as its store knows it ({@link ListSource#column}): one of the resource's own,
 * or, when {@code joined}, a value another table holds for the row (a snapshot's availability zone is its
 * volume's), which is matched exactly and is no sort key.
 */
public record ListColumn(String name, boolean joined) {
    public ListColumn {
        requireNonNull(name, "name is null");
    }
}
