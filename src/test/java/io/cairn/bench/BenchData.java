package io.cairn.bench;

import io.cairn.config.CairnConfig;
import io.cairn.config.Settings;
import io.cairn.domain.Caller;
import io.cairn.engine.LocalChunkEngine;
import io.cairn.service.MetadataService;
import io.cairn.service.QuotaService;
import io.cairn.service.SnapshotManagement;
import io.cairn.service.SnapshotService;
import io.cairn.store.Database;
import io.cairn.store.ListQuery;
import io.cairn.store.QuotaStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The data set the in-process benchmarks read, and the services over it, built as {@code Main} builds them:
 * bench/run.sh's data set (snapshots in each of three projects, seeded by {@code cairn bench seed}), with the
 * same ids for the show and the deep marker as that script picks.
 *
 * <p>{@code -Dcairn.bench.data=DIR} names a seeded data directory (bench/jmh.sh seeds one per run, so every
 * benchmark fork reads the same rows); without it each fork seeds {@code cairn.bench.snapshots} (default
 * 100,000) per project into a temporary directory, through the same seed command.
 */
public final class BenchData implements AutoCloseable {
    /** bench/run.sh's project. */
    public static final String PROJECT = "1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c";
    /** What a noauth token {@code bench:<project>} (run.sh's) becomes: an admin of the project. */
    public static final Caller CALLER = new Caller("bench", PROJECT, Set.of("admin", "member", "reader"));
    /** Cinder's default sort, as the list rules complete it: newest first, ties by id. */
    public static final List<ListQuery.SortKey> DEFAULT_SORT =
            List.of(new ListQuery.SortKey("created_at", false), new ListQuery.SortKey("id", false));

    public final Database database;
    public final SnapshotStore snapshots;
    public final SnapshotService snapshotService;
    public final SnapshotManagement snapshotManagement;
    public final MetadataService snapshotMetadata;
    /** Live snapshots in {@link #PROJECT}. */
    public final int count;
    /** The newest snapshot of the project: run.sh's show. */
    public final String firstId;
    /** The snapshot 100 rows before the end: run.sh's deep marker. */
    public final String deepMarkerId;

    private final LocalChunkEngine engine;
    private final Optional<Path> temporary;

    private BenchData(Path dataDir, Optional<Path> temporary) throws IOException {
        this.temporary = temporary;
        CairnConfig config = config(dataDir);
        database = Database.open(config.database());
        engine = LocalChunkEngine.open(
                config.dataDir().resolve("engine"), config.dataPlane().chunkSizeBytes());
        snapshots = new SnapshotStore(database);
        VolumeStore volumes = new VolumeStore(database);
        QuotaService quotas = new QuotaService(database, new QuotaStore(database), config.quotaDefaults());
        TaskQueue tasks = new TaskQueue(new TaskStore(database), Clock.systemUTC());
        snapshotService = new SnapshotService(database, snapshots, volumes, quotas, tasks, Clock.systemUTC());
        snapshotManagement =
                new SnapshotManagement(database, snapshots, volumes, quotas, tasks, engine, Clock.systemUTC());
        snapshotMetadata = MetadataService.ofSnapshots(database, snapshots);
        count = snapshots.count(query(0, 1));
        if (count < 100) {
            throw new IllegalStateException("the data set at " + dataDir + " has " + count + " snapshots in " + PROJECT
                    + "; the benchmarks need at least 100 (seed it with cairn bench seed --project " + PROJECT + ")");
        }
        firstId = snapshots.list(query(0, 1), Optional.empty()).getFirst().id();
        deepMarkerId = snapshots
                .list(query(count - 100, 1), Optional.empty())
                .getFirst()
                .id();
    }

    public static BenchData open() {
        try {
            String dataDir = System.getProperty("cairn.bench.data", "");
            if (!dataDir.isEmpty()) {
                return new BenchData(Path.of(dataDir), Optional.empty());
            }
            Path temporary = Files.createTempDirectory("cairn-bench");
            int exit = new CommandLine(new BenchCommand())
                    .execute(
                            "seed",
                            "--data-dir",
                            temporary.toString(),
                            "--project",
                            PROJECT,
                            "--projects",
                            "3",
                            "--snapshots",
                            System.getProperty("cairn.bench.snapshots", "100000"));
            if (exit != 0) {
                throw new IllegalStateException("cairn bench seed failed with exit code " + exit);
            }
            return new BenchData(temporary, Optional.of(temporary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Page {@code offset / limit} of the project in the default order, no filters. */
    public static ListQuery query(int offset, int limit) {
        return new ListQuery(Optional.of(PROJECT), List.of(), DEFAULT_SORT, Optional.empty(), offset, limit);
    }

    @Override
    public void close() throws IOException {
        engine.close();
        database.close();
        if (temporary.isPresent()) {
            try (Stream<Path> files = Files.walk(temporary.get())) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static CairnConfig config(Path dataDir) {
        // As the seed command reads it: CAIRN_DB_URL, when set, names the database instead of the data directory's.
        return CairnConfig.from(
                Settings.load(Map.of("data-dir", dataDir.toString()), System.getenv(), Optional.empty()));
    }
}
