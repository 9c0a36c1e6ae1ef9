package io.cairn.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where deep offset pages of a list query can start: for an offset {@code n} a page started or ended at, the sort
 * values of the row just before it, stamped with the store's change generation that the page's statement read. A
 * later page of the same query at or past {@code n} starts with a keyset seek after that row and skips only the
 * difference, where an offset alone steps over every skipped index entry (SQLite's B-trees keep no counts): the same
 * page read again and the next page both start where an anchor is.
 *
 * <p>Exact, not timed: a page read from an anchor is kept only when its own statement read the anchor's generation,
 * that is when nothing the query could see was written in between. The generation is SQLite's row version counter,
 * which every write to a versioned table, its metadata, admin metadata or attachments moves on in the writing
 * transaction, and the lists anchored here filter on nothing else. PostgreSQL's sequence values are taken before
 * their transactions commit, in any order, so no read can prove that nothing committed in between: it keeps none.
 */
final class OffsetAnchors {
    /** Pages that start before this offset skip few enough rows to need no anchor. */
    static final int DEEP = 1000;

    private static final int QUERIES = 256;
    private static final int ANCHORS_PER_QUERY = 64;

    /** A query as far as its rows' order goes: everything but its offset and limit. */
    record Key(
            String table,
            Optional<String> projectId,
            List<ListQuery.Filter> filters,
            List<ListQuery.SortKey> sortKeys,
            Optional<String> marker) {
        static Key of(ResourceTable table, ListQuery query) {
            return new Key(table.table.getName(), query.projectId(), query.filters(), query.sortKeys(), query.marker());
        }
    }

    /** The row {@code offset} rows into the query's order was the last before it: page on after {@code after}. */
    record Anchor(int offset, ListQuery.Marker after, long generation) {}

    /** A query's anchors by offset, and the same by last use, least recent first. */
    private static final class QueryAnchors {
        final TreeMap<Integer, Anchor> byOffset = new TreeMap<>();
        final LinkedHashMap<Integer, Anchor> byUse = new LinkedHashMap<>(16, 0.75f, true);
    }

    private final Map<Key, QueryAnchors> byQuery = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, QueryAnchors> eldest) {
            return size() > QUERIES;
        }
    };

    /** The deepest anchor at or before this offset. */
    synchronized Optional<Anchor> nearest(Key key, int offset) {
        QueryAnchors anchors = byQuery.get(key);
        Map.Entry<Integer, Anchor> floor = anchors == null ? null : anchors.byOffset.floorEntry(offset);
        if (floor == null) {
            return Optional.empty();
        }
        anchors.byUse.get(floor.getKey());
        return Optional.of(floor.getValue());
    }

    /**
     * Keeps a deep anchor; anchors of another generation go (they are stale, or it is), and the query's least
     * recently used one goes when it has too many (several clients may page through the same query at once).
     */
    synchronized void remember(Key key, Anchor anchor) {
        if (anchor.offset() < DEEP) {
            return;
        }
        QueryAnchors anchors = byQuery.computeIfAbsent(key, k -> new QueryAnchors());
        if (!anchors.byOffset.isEmpty()
                && anchors.byOffset.firstEntry().getValue().generation() != anchor.generation()) {
            anchors.byOffset.clear();
            anchors.byUse.clear();
        }
        anchors.byOffset.put(anchor.offset(), anchor);
        anchors.byUse.put(anchor.offset(), anchor);
        if (anchors.byUse.size() > ANCHORS_PER_QUERY) {
            Integer eldest = anchors.byUse.keySet().iterator().next();
            anchors.byUse.remove(eldest);
            anchors.byOffset.remove(eldest);
        }
    }

    /** Drops the query's anchors: something they depend on was written. */
    synchronized void forget(Key key) {
        byQuery.remove(key);
    }
}
