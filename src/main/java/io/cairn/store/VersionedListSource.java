package io.cairn.store;

import io.cairn.domain.RowVersion;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A list source whose rows carry a version: a page can be read as ids and versions first, rows after. */
public interface VersionedListSource<T> extends ListSource<T> {
    /** The ids and versions of the rows {@link #list} would return, in the same order. */
    List<RowVersion> listVersions(ListQuery query, Optional<ListQuery.Marker> marker);

    /**
     * The live rows with these ids, in this project when one is given, in no particular order; an id no such row
     * has is left out.
     */
    List<T> findAll(Collection<String> ids, Optional<String> projectId);
}
