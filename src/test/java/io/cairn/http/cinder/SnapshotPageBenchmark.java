package io.cairn.http.cinder;

import io.cairn.bench.BenchData;
import io.cairn.config.CairnConfig;
import io.cairn.domain.ApiVersion;
import io.cairn.http.InProcessApi;
import io.cairn.http.RenderedViewCache;
import io.cairn.http.Router;
import java.io.IOException;
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
 * The in-process floor of bench/run.sh's pages: each operation is one request as {@code ApiServer} runs it
 * after authentication (route, resource, service list rules, the store's statements, the views with their
 * links, the JSON bytes), without HTTP. What the server adds on top is transport, auth, logging and metrics.
 * One thread: the server's figure on two cores shared with wrk is to be read against this one core's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx256m"})
public class SnapshotPageBenchmark {
    private BenchData data;
    private InProcessApi api;
    private String deepPage;
    private String show;

    @Setup
    public void open() {
        data = BenchData.open();
        Router router = new Router();
        new SnapshotResource(
                        data.snapshotService,
                        data.snapshotManagement,
                        data.snapshotMetadata,
                        new RenderedViewCache(CairnConfig.ViewCacheConfig.DEFAULT_CAPACITY))
                .register(router);
        api = new InProcessApi(router);
        deepPage = "snapshots/detail?limit=50&marker=" + data.deepMarkerId;
        show = "snapshots/" + data.firstId;
    }

    @TearDown
    public void close() throws IOException {
        data.close();
    }

    @Benchmark
    public byte[] detailLimit50() {
        return api.get(BenchData.CALLER, ApiVersion.MIN, "snapshots/detail?limit=50");
    }

    @Benchmark
    public byte[] detailLimit1000() {
        return api.get(BenchData.CALLER, ApiVersion.MIN, "snapshots/detail?limit=1000");
    }

    @Benchmark
    public byte[] summaryLimit50() {
        return api.get(BenchData.CALLER, ApiVersion.MIN, "snapshots?limit=50");
    }

    /** Limit 50 after the snapshot 100 rows before the end: the marker's lookup, then the page. */
    @Benchmark
    public byte[] detailDeepMarker() {
        return api.get(BenchData.CALLER, ApiVersion.MIN, deepPage);
    }

    @Benchmark
    public byte[] show() {
        return api.get(BenchData.CALLER, ApiVersion.MIN, show);
    }
}
