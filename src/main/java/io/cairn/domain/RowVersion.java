package io.cairn.domain;

import static java.util.Objects.requireNonNull;

/** A row's id and version: what a list page or a show reads before it needs the row itself. */
public record RowVersion(String id, long version) {
    public RowVersion {
        requireNonNull(id, "id is null");
    }
}
