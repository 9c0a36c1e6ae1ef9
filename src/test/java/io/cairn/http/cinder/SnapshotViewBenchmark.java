package io.cairn.http.cinder;

import io.cairn.bench.BenchData;
import io.cairn.domain.ApiVersion;
import io.cairn.domain.Snapshot;
import io.cairn.http.ApiRequest;
import io.cairn.http.InProcessApi;
import io.cairn.http.Json;
import io.cairn.http.RenderedViewCache;
import io.cairn.service.Page;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * View rendering alone: a detail page of snapshots already read from the store (50 and 1000 of them, with
 * their metadata) to the JSON bytes the list resource answers, links included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx256m"})
public class SnapshotViewBenchmark {
    /** Rendering alone: a cache that keeps nothing renders every view every time. */
    private static final RenderedViewCache NO_CACHE = new RenderedViewCache(0);

    private ApiRequest request50;
    private ApiRequest request1000;
    private Page<Snapshot> page50;
    private Page<Snapshot> page1000;
    private boolean extended;

    @Setup
    public void load() throws IOException {
        try (BenchData data = BenchData.open()) {
            page50 = new Page<>(data.snapshots.list(BenchData.query(0, 50), Optional.empty()), OptionalInt.empty(), 50);
            page1000 = new Page<>(
                    data.snapshots.list(BenchData.query(0, 1000), Optional.empty()), OptionalInt.empty(), 1000);
            extended = data.snapshotService.showsExtendedAttributes(BenchData.CALLER);
        }
        request50 = InProcessApi.request(BenchData.CALLER, ApiVersion.MIN, "snapshots/detail?limit=50");
        request1000 = InProcessApi.request(BenchData.CALLER, ApiVersion.MIN, "snapshots/detail?limit=1000");
    }

    @Benchmark
    public byte[] detail50() {
        return Json.MAPPER.writeValueAsBytes(SnapshotView.loadedPage(request50, NO_CACHE, page50, true, extended));
    }

    @Benchmark
    public byte[] detail1000() {
        return Json.MAPPER.writeValueAsBytes(SnapshotView.loadedPage(request1000, NO_CACHE, page1000, true, extended));
    }
}
