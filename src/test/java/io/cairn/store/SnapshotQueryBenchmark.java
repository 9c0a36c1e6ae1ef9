package io.cairn.store;

import io.cairn.bench.BenchData;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.Snapshot;
import io.cairn.service.ListRules;
import io.cairn.service.Policy;
import io.cairn.service.SnapshotService;
import java.io.IOException;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building and running the list queries alone, without views: the list rules turning a query string into a
 * plan (no database), and the store's statements for the pages of bench/run.sh, read into domain records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx256m"})
public class SnapshotQueryBenchmark {
    private static final List<Map.Entry<String, String>> LIMIT_50 = List.of(new SimpleImmutableEntry<>("limit", "50"));

    private BenchData data;
    private ListQuery deepPage;
    private ListQuery markerLookup;

    @Setup
    public void open() {
        data = BenchData.open();
        // As the list rules build them for ?limit=50&marker=...: the page in the project, the marker looked
        // up as a show would (an admin's, in every project).
        deepPage = new ListQuery(
                Optional.of(BenchData.PROJECT),
                List.of(),
                BenchData.DEFAULT_SORT,
                Optional.of(data.deepMarkerId),
                0,
                50);
        markerLookup = new ListQuery(
                Optional.empty(), List.of(), BenchData.DEFAULT_SORT, Optional.of(data.deepMarkerId), 0, 1);
    }

    @TearDown
    public void close() throws IOException {
        data.close();
    }

    /** {@code ?limit=50} to the plan the store is asked with: parsing, validation, policy, default sort. */
    @Benchmark
    public ListRules.Plan planLimit50() {
        return ListRules.plan(
                SnapshotService.LIST_SPEC,
                data.snapshots,
                BenchData.CALLER,
                ApiVersion.MIN,
                LIMIT_50,
                Policy.GET_ALL_SNAPSHOTS);
    }

    @Benchmark
    public List<Snapshot> listLimit50() {
        return data.snapshots.list(BenchData.query(0, 50), Optional.empty());
    }

    @Benchmark
    public List<Snapshot> listLimit1000() {
        return data.snapshots.list(BenchData.query(0, 1000), Optional.empty());
    }

    /** Both statements of a deep page: the marker's sort values, then the 50 rows after it. */
    @Benchmark
    public List<Snapshot> listDeepMarker() {
        ListQuery.Marker marker =
                data.snapshots.markerRow(markerLookup, data.deepMarkerId).orElseThrow();
        return data.snapshots.list(deepPage, Optional.of(marker));
    }

    @Benchmark
    public Optional<Snapshot> find() {
        return data.snapshots.find(data.firstId, Optional.empty());
    }
}
