package io.cairn.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.SnapshotTransitions;
import io.cairn.store.ListColumn;
import io.cairn.store.ListQuery;
import io.cairn.store.ListQuery.Filter;
import io.cairn.store.ListQuery.SortKey;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The snapshot store's contract, the same on every database: rows, lists and paging, compare-and-set, soft delete. */
public abstract class AbstractSnapshotStoreTest extends StoreContract {
    private static final List<SortKey> NEWEST_FIRST =
            List.of(new SortKey("created_at", false), new SortKey("id", false));

    SnapshotStore snapshots;
    String volumeId;

    protected AbstractSnapshotStoreTest(StoreBackend backend) {
        super(backend);
    }

    @BeforeEach
    void stores() {
        snapshots = new SnapshotStore(database);
        volumeId = newId();
        VolumeStore volumes = new VolumeStore(database);
        database.execute(tx -> volumes.insert(tx, volume(volumeId, PROJECT, at(0), "node1@local#default")));
    }

    private Snapshot insert(String name, long second, Map<String, String> metadata) {
        return insert(PROJECT, name, second, metadata);
    }

    private Snapshot insert(String project, String name, long second, Map<String, String> metadata) {
        Snapshot snapshot = snapshot(newId(), project, volumeId, name, at(second), metadata);
        database.execute(tx -> snapshots.insert(tx, snapshot));
        return snapshot;
    }

    private static ListQuery query(List<Filter> filters, List<SortKey> sort, int limit) {
        return new ListQuery(Optional.of(PROJECT), filters, sort, Optional.empty(), 0, limit);
    }

    /** Every page of a query, following markers to the end. */
    private List<String> allPages(ListQuery query) {
        List<String> ids = new ArrayList<>();
        Optional<ListQuery.Marker> marker = Optional.empty();
        while (true) {
            List<Snapshot> page = snapshots.list(query, marker);
            page.forEach(s -> ids.add(s.id()));
            if (page.size() < query.limit()) {
                return ids;
            }
            marker = snapshots.markerRow(query, page.get(page.size() - 1).id());
            assertThat(marker).isPresent();
        }
    }

    @Test
    void anInsertedSnapshotIsFoundWithItsFieldsAndMetadataInOrder() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("zeta", "1");
        metadata.put("alpha", "2");
        Snapshot inserted = insert("first", 1, metadata);

        Snapshot found = snapshots.find(inserted.id(), Optional.of(PROJECT)).orElseThrow();

        assertThat(found)
                .usingRecursiveComparison()
                .ignoringFields("metadata", "version")
                .isEqualTo(inserted);
        assertThat(found.version()).isPositive();
        assertThat(found.metadata().keySet()).containsExactly("zeta", "alpha");
        assertThat(found.useQuota()).isTrue();
    }

    private long version(String id) {
        return snapshots.findVersion(id, Optional.empty()).orElseThrow().version();
    }

    @Test
    void everyWriteToASnapshotOrItsMetadataGivesItANewVersion() {
        String id = insert("versioned", 1, Map.of("a", "1")).id();
        List<java.util.function.Consumer<org.jooq.DSLContext>> writes = List.of(
                tx -> snapshots.updateProgress(tx, id, "50%"),
                tx -> snapshots.updateNameAndDescription(tx, id, "renamed", "about", at(2)),
                tx -> snapshots.replaceMetadata(tx, id, Map.of("b", "2")),
                tx -> snapshots.replaceMetadata(tx, id, Map.of()),
                tx -> snapshots.finish(tx, id, SnapshotStatus.CREATING, SnapshotStatus.AVAILABLE, at(3)),
                tx -> snapshots.apply(tx, SnapshotTransitions.BACKUP_SOURCE, id, at(4)));
        long last = version(id);
        assertThat(last).isPositive();
        for (int i = 0; i < writes.size(); i++) {
            database.execute(writes.get(i));
            long now = version(id);
            assertThat(now).as("write %d", i).isGreaterThan(last);
            last = now;
        }
        long beforeRead = last;
        snapshots.find(id, Optional.empty());
        snapshots.findAll(List.of(id), Optional.empty());
        assertThat(version(id)).as("reads").isEqualTo(beforeRead);
    }

    @Test
    void aPagesVersionsFollowTheListsOrderAndMatchItsRows() {
        insert("one", 1, Map.of());
        insert("two", 2, Map.of("k", "v"));
        insert("three", 3, Map.of());
        ListQuery query = query(List.of(), NEWEST_FIRST, 2);

        List<Snapshot> listed = snapshots.list(query, Optional.empty());
        List<io.cairn.domain.RowVersion> versions = snapshots.listVersions(query, Optional.empty());

        assertThat(versions)
                .containsExactlyElementsOf(listed.stream()
                        .map(s -> new io.cairn.domain.RowVersion(s.id(), s.version()))
                        .toList());
        assertThat(snapshots.findAll(
                        versions.stream().map(io.cairn.domain.RowVersion::id).toList(), Optional.empty()))
                .containsExactlyInAnyOrderElementsOf(listed);
        assertThat(snapshots.findAll(List.of(listed.get(0).id()), Optional.of(OTHER_PROJECT)))
                .isEmpty();
    }

    /**
     * Deep offset pages, read page after page and again after each kind of write, are exactly the rows the plain
     * offset statement gives: a page may start from a remembered row (SQLite's offset anchors), never from a stale one.
     */
    @Test
    void deepOffsetPagesStayExactAcrossWrites() {
        List<Snapshot> inserted = new ArrayList<>();
        database.execute(tx -> {
            for (int i = 0; i < 1_300; i++) {
                Snapshot s = snapshot(
                        newId(), PROJECT, volumeId, "s" + i, at(i), i % 10 == 0 ? Map.of() : Map.of("tagged", "y"));
                snapshots.insert(tx, s);
                inserted.add(s);
            }
        });
        ListQuery all = query(List.of(), NEWEST_FIRST, 50);
        ListQuery tagged = query(List.of(new Filter.Metadata(Map.of("tagged", "y"))), NEWEST_FIRST, 50);
        String markerId = inserted.get(1_250).id();
        ListQuery afterMarker =
                new ListQuery(Optional.of(PROJECT), List.of(), NEWEST_FIRST, Optional.of(markerId), 0, 50);
        List<Runnable> writes = List.of(
                () -> {}, // read the same pages again, unchanged
                () -> insert("newest", 10_000, Map.of("tagged", "y")), // every row moves one place down
                () -> committed(tx -> snapshots.finish(
                        tx,
                        inserted.get(1_299).id(),
                        SnapshotStatus.CREATING,
                        SnapshotStatus.DELETED,
                        at(10_001))), // the newest seeded row goes: every row moves up
                () -> database.execute(
                        tx -> snapshots.replaceMetadata(tx, inserted.get(1_298).id(), Map.of())));
        for (Runnable write : writes) {
            write.run();
            for (ListQuery query : List.of(all, tagged, afterMarker)) {
                for (int offset : List.of(1_100, 1_000, 1_050, 1_100, 1_030, 1_120)) {
                    ListQuery page = new ListQuery(
                            query.projectId(),
                            query.filters(),
                            query.sortKeys(),
                            query.marker(),
                            offset,
                            query.limit());
                    Optional<ListQuery.Marker> marker = query.marker().flatMap(id -> snapshots.markerRow(query, id));
                    assertThat(snapshots.listVersions(page, marker))
                            .as("offset %d of %s", offset, query.filters())
                            .containsExactlyElementsOf(snapshots.list(page, marker).stream()
                                    .map(s -> new io.cairn.domain.RowVersion(s.id(), s.version()))
                                    .toList());
                }
            }
        }
    }

    @Test
    void findIsScopedToTheProjectWhenOneIsGiven() {
        Snapshot inserted = insert("first", 1, Map.of());

        assertThat(snapshots.find(inserted.id(), Optional.of(OTHER_PROJECT))).isEmpty();
        assertThat(snapshots.find(inserted.id(), Optional.empty())).isPresent();
    }

    @Test
    void listsNewestFirstAndPagesByMarkerThroughEveryRowOnce() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            expected.add(0, insert("s" + i, i / 2, Map.of()).id()); // pairs share a created_at: id breaks the tie
        }
        insert(OTHER_PROJECT, "elsewhere", 5, Map.of());

        List<String> paged = allPages(query(List.of(), NEWEST_FIRST, 5));

        assertThat(paged).hasSize(23).doesNotHaveDuplicates();
        List<Snapshot> oneQuery = snapshots.list(query(List.of(), NEWEST_FIRST, 100), Optional.empty());
        assertThat(paged)
                .containsExactlyElementsOf(oneQuery.stream().map(Snapshot::id).toList());
        for (int i = 1; i < oneQuery.size(); i++) {
            Snapshot newer = oneQuery.get(i - 1);
            Snapshot older = oneQuery.get(i);
            assertThat(newer.createdAt().isAfter(older.createdAt())
                            || newer.createdAt().equals(older.createdAt())
                                    && newer.id().compareTo(older.id()) > 0)
                    .isTrue();
        }
        assertThat(snapshots.count(query(List.of(), NEWEST_FIRST, 5))).isEqualTo(23);
    }

    @Test
    void sortsNullsLowestInBothDirectionsAndPagesAcrossThem() {
        insert("b", 1, Map.of());
        insert(null, 2, Map.of());
        insert("A", 3, Map.of());
        insert("a", 4, Map.of());
        insert(null, 5, Map.of());

        List<SortKey> ascending = List.of(new SortKey("display_name", true), new SortKey("id", true));
        List<SortKey> descending = List.of(new SortKey("display_name", false), new SortKey("id", false));

        // Byte order, as SQLite compares: upper case before lower case, on every database.
        assertThat(names(snapshots.list(query(List.of(), ascending, 10), Optional.empty())))
                .containsExactly(null, null, "A", "a", "b");
        assertThat(names(snapshots.list(query(List.of(), descending, 10), Optional.empty())))
                .containsExactly("b", "a", "A", null, null);
        assertThat(allPages(query(List.of(), ascending, 2))).hasSize(5).doesNotHaveDuplicates();
        assertThat(allPages(query(List.of(), descending, 2))).hasSize(5).doesNotHaveDuplicates();
    }

    private static List<String> names(List<Snapshot> list) {
        return list.stream().map(Snapshot::displayName).toList();
    }

    @Test
    void filtersByEqualityTypedValuesContainsIgnoringCaseAnyOfAndMetadata() {
        Snapshot alpha = insert("Alpha one", 1, Map.of("tier", "gold", "zone", "a"));
        Snapshot beta = insert("beta two", 2, Map.of("tier", "silver"));
        Snapshot gamma = insert("gamma_three", 3, Map.of("tier", "gold"));

        assertThat(ids(List.of(new Filter.Equals(column("display_name"), "beta two"))))
                .containsExactly(beta.id());
        assertThat(ids(List.of(new Filter.Equals(column("use_quota"), "true")))).hasSize(3);
        assertThat(ids(List.of(new Filter.Equals(column("use_quota"), "no")))).isEmpty();
        assertThat(ids(List.of(new Filter.Equals(column("volume_size"), "1")))).hasSize(3);
        assertThat(ids(List.of(new Filter.Equals(column("volume_size"), "not a number"))))
                .isEmpty();
        assertThat(ids(List.of(new Filter.Contains(column("display_name"), "ALPHA"))))
                .containsExactly(alpha.id());
        assertThat(ids(List.of(new Filter.Contains(column("display_name"), "a_th"))))
                .containsExactly(gamma.id()); // _ is a wildcard, as in Cinder
        assertThat(ids(List.of(new Filter.AnyOf(column("id"), List.of(alpha.id(), gamma.id())))))
                .containsExactlyInAnyOrder(alpha.id(), gamma.id());
        assertThat(ids(List.of(new Filter.Metadata(Map.of("tier", "gold")))))
                .containsExactlyInAnyOrder(alpha.id(), gamma.id());
        assertThat(ids(List.of(new Filter.Metadata(Map.of("tier", "gold", "zone", "a")))))
                .containsExactly(alpha.id());
        assertThat(snapshots.column("no_such_column")).isEmpty();
        assertThat(snapshots.count(query(List.of(new Filter.Metadata(Map.of("tier", "gold"))), NEWEST_FIRST, 1)))
                .isEqualTo(2);
    }

    @Test
    void filtersByTheVolumesAvailabilityZone() {
        insert("one", 1, Map.of());

        assertThat(snapshots.column("availability_zone")).contains(new ListColumn("availability_zone", true));
        assertThat(snapshots.column("display_name")).contains(new ListColumn("display_name", false));
        assertThat(ids(List.of(new Filter.Equals(column("availability_zone"), "nova"))))
                .hasSize(1);
        assertThat(ids(List.of(new Filter.Equals(column("availability_zone"), "elsewhere"))))
                .isEmpty();
    }

    private List<String> ids(List<Filter> filters) {
        return snapshots.list(query(filters, NEWEST_FIRST, 100), Optional.empty()).stream()
                .map(Snapshot::id)
                .toList();
    }

    @Test
    void finishingWorkChangesTheStatusOnlyFromItsRunningOne() {
        Snapshot s = insert("one", 1, Map.of());

        boolean first = database.transaction(
                tx -> snapshots.finish(tx, s.id(), SnapshotStatus.CREATING, SnapshotStatus.AVAILABLE, at(10)));
        boolean second = database.transaction(
                tx -> snapshots.finish(tx, s.id(), SnapshotStatus.CREATING, SnapshotStatus.ERROR, at(11)));

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        Snapshot found = snapshots.find(s.id(), Optional.empty()).orElseThrow();
        assertThat(found.status()).isEqualTo(SnapshotStatus.AVAILABLE);
        assertThat(found.updatedAt()).isEqualTo(at(10));
        assertThat(snapshots.idsInStatus(SnapshotStatus.AVAILABLE)).containsExactly(s.id());
    }

    @Test
    void ofManyRacingTransitionsExactlyOneApplies() throws Exception {
        Snapshot s = insert("one", 1, Map.of());
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger wins = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                if (database.transaction(tx -> snapshots.apply(
                        tx,
                        SnapshotTransitions.report(SnapshotStatus.CREATING, SnapshotStatus.AVAILABLE),
                        s.id(),
                        at(2)))) {
                    wins.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(wins.get()).isEqualTo(1);
    }

    @Test
    void aSoftDeletedSnapshotIsNeitherFoundNorListedNorCounted() {
        Snapshot kept = insert("kept", 1, Map.of());
        Snapshot gone = insert("gone", 2, Map.of());

        assertThat(committed(
                        tx -> snapshots.finish(tx, gone.id(), SnapshotStatus.AVAILABLE, SnapshotStatus.DELETED, at(3))))
                .isFalse();
        assertThat(committed(
                        tx -> snapshots.finish(tx, gone.id(), SnapshotStatus.CREATING, SnapshotStatus.DELETED, at(3))))
                .isTrue();

        assertThat(snapshots.find(gone.id(), Optional.empty())).isEmpty();
        assertThat(ids(List.of())).containsExactly(kept.id());
        assertThat(snapshots.markerRow(query(List.of(), NEWEST_FIRST, 10), gone.id()))
                .isEmpty();
        assertThat(snapshots.count(query(List.of(), NEWEST_FIRST, 10))).isEqualTo(1);
        assertThat(committed(tx -> snapshots.lockIfInStatus(tx, gone.id(), SnapshotStatus.DELETED)))
                .isFalse();
    }

    @Test
    void replacingMetadataKeepsTheNewOrderAndDropsOldKeys() {
        Snapshot s = insert("one", 1, Map.of("old", "x"));
        Map<String, String> replacement = new LinkedHashMap<>();
        replacement.put("b", "2");
        replacement.put("a", "1");

        database.execute(tx -> snapshots.replaceMetadata(tx, s.id(), replacement));

        assertThat(snapshots.find(s.id(), Optional.empty()).orElseThrow().metadata())
                .containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
    }

    @Test
    void updatesNameDescriptionAndProgressAndFindsByVolume() {
        Snapshot s = insert("one", 1, Map.of());

        database.execute(tx -> {
            snapshots.updateNameAndDescription(tx, s.id(), "renamed", "described", at(5));
            snapshots.updateProgress(tx, s.id(), "42%");
        });

        Snapshot found =
                database.transaction(tx -> snapshots.findByVolume(tx, volumeId)).get(0);
        assertThat(found.displayName()).isEqualTo("renamed");
        assertThat(found.displayDescription()).isEqualTo("described");
        assertThat(found.progress()).isEqualTo("42%");
        assertThat(committed(tx -> snapshots.lockIfInStatus(tx, s.id(), SnapshotStatus.CREATING)))
                .isTrue();
    }

    private ListColumn column(String name) {
        return snapshots.column(name).orElseThrow();
    }
}
