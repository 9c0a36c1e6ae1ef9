package io.cairn.bench;

import io.cairn.config.CairnConfig;
import io.cairn.config.Settings;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotStatus;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTypes;
import io.cairn.store.BulkLoader;
import io.cairn.store.Database;
import io.cairn.store.QuotaStore;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn bench ...}: tools for the benchmarks in bench/. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark tools.",
        subcommands = {BenchCommand.Seed.class, BenchCommand.Echo.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /**
     * A bare Javalin server answering every GET with one constant body, on virtual threads as Cairn runs:
     * the ceiling the API's throughput is measured against, on the same machine in the same run.
     */
    @Command(
            name = "echo",
            mixinStandardHelpOptions = true,
            description = "Serve a constant body: the bare-HTTP ceiling.")
    static final class Echo implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "18998", description = "Port to listen on.")
        int port;

        @Option(names = "--bytes", defaultValue = "22000", description = "Size of the constant JSON body.")
        int bytes;

        @Override
        public Integer call() throws Exception {
            byte[] body = ("{\"padding\":\"" + "x".repeat(Math.max(0, bytes - 14)) + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            io.javalin.Javalin.create(config -> {
                        config.concurrency.useVirtualThreads = true;
                        config.startup.showJavalinBanner = false;
                        config.routes.get(
                                "/<path>",
                                ctx -> ctx.contentType("application/json").result(body));
                    })
                    .start("127.0.0.1", port);
            Thread.currentThread().join();
            return 0;
        }
    }

    /**
     * Loads snapshots (and the volumes they belong to) straight into the store, with the server stopped:
     * realistic names, statuses, metadata and creation times spread over two years.
     */
    @Command(
            name = "seed",
            mixinStandardHelpOptions = true,
            description = "Load N snapshots into a stopped server's store.")
    static final class Seed implements Callable<Integer> {
        private static final int BATCH = 10_000;
        private static final int SNAPSHOTS_PER_VOLUME = 20;
        private static final String[] WORDS = {
            "daily", "weekly", "db", "web", "backup", "pre-upgrade", "nightly", "app", "logs", "cache"
        };

        @Option(
                names = "--data-dir",
                required = true,
                description = "The server's data directory (CAIRN_DB_URL, if set, wins).")
        String dataDir;

        @Option(names = "--project", required = true, description = "The project that gets the snapshots.")
        String project;

        @Option(names = "--snapshots", required = true, description = "How many snapshots to load per project.")
        int count;

        @Option(
                names = "--projects",
                defaultValue = "1",
                description = "Projects to load (the first is --project, the rest generated).")
        int projects;

        @Option(names = "--seed", defaultValue = "42", description = "Random seed, for repeatable data sets.")
        long seed;

        @Override
        public Integer call() throws Exception {
            CairnConfig config =
                    CairnConfig.from(Settings.load(Map.of("data-dir", dataDir), System.getenv(), Optional.empty()));
            Files.createDirectories(config.dataDir());
            SplittableRandom random = new SplittableRandom(seed);
            long started = System.nanoTime();
            try (Database database = Database.open(config.database())) {
                BulkLoader loader = new BulkLoader(database);
                QuotaStore quotas = new QuotaStore(database);
                for (int p = 0; p < projects; p++) {
                    String projectId =
                            p == 0 ? project : UUID.randomUUID().toString().replace("-", "");
                    Map<String, Long> usage = load(loader, projectId, random);
                    database.execute(
                            tx -> usage.forEach((resource, used) -> quotas.reserve(tx, projectId, resource, used, -1)));
                    System.err.printf("seeded %,d snapshots into project %s%n", count, projectId);
                }
            }
            System.err.printf("done in %.1f s%n", (System.nanoTime() - started) / 1e9);
            return 0;
        }

        /** Loads one project; returns the quota usage it adds. */
        private Map<String, Long> load(BulkLoader loader, String projectId, SplittableRandom random) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            long span = Duration.ofDays(730).toNanos() / 1000;
            String user = projectId.substring(0, Math.min(8, projectId.length())) + "-user";
            long gigabytes = 0;
            int volumes = 0;
            List<Volume> volumeBatch = new ArrayList<>();
            List<Snapshot> snapshotBatch = new ArrayList<>();
            Volume volume = null;
            for (int i = 0; i < count; i++) {
                if (i % SNAPSHOTS_PER_VOLUME == 0) {
                    int size = new int[] {1, 10, 20, 50, 100, 500}[random.nextInt(6)];
                    Instant created = now.minus(span - random.nextLong(span / 2), ChronoUnit.MICROS);
                    volume = new Volume(
                            UUID.randomUUID().toString(),
                            projectId,
                            user,
                            VolumeStatus.AVAILABLE,
                            "detached",
                            null,
                            size,
                            "nova",
                            "bench@local#default",
                            "vol-" + volumes,
                            null,
                            null,
                            null,
                            VolumeTypes.DEFAULT_ID,
                            null,
                            false,
                            false,
                            true,
                            created,
                            created,
                            created,
                            null,
                            Map.of(),
                            Map.of(),
                            List.of(),
                            0);
                    volumeBatch.add(volume);
                    volumes++;
                    gigabytes += size;
                }
                Instant created = now.minus(random.nextLong(span), ChronoUnit.MICROS);
                Map<String, String> metadata = new LinkedHashMap<>();
                if (random.nextInt(10) < 3) {
                    metadata.put("env", random.nextBoolean() ? "prod" : "test");
                    metadata.put("owner", new String[] {"alice", "bob", "carol"}[random.nextInt(3)]);
                }
                SnapshotStatus status = random.nextInt(50) == 0 ? SnapshotStatus.ERROR : SnapshotStatus.AVAILABLE;
                String name = random.nextInt(10) == 0 ? null : WORDS[random.nextInt(WORDS.length)] + "-" + i;
                String description = random.nextInt(3) == 0 ? null : "seeded snapshot " + i;
                snapshotBatch.add(new Snapshot(
                        UUID.randomUUID().toString(),
                        projectId,
                        user,
                        volume.id(),
                        null,
                        status,
                        "100%",
                        volume.size(),
                        name,
                        description,
                        true,
                        created,
                        created.plusSeconds(30),
                        metadata,
                        0));
                gigabytes += volume.size();
                if (snapshotBatch.size() == BATCH) {
                    flush(loader, volumeBatch, snapshotBatch);
                }
            }
            flush(loader, volumeBatch, snapshotBatch);
            Map<String, Long> usage = new HashMap<>();
            usage.put("snapshots", (long) count);
            usage.put("volumes", (long) volumes);
            usage.put("gigabytes", gigabytes);
            return usage;
        }

        private static void flush(BulkLoader loader, List<Volume> volumes, List<Snapshot> snapshots) {
            if (!volumes.isEmpty()) {
                loader.insertVolumes(volumes);
                volumes.clear();
            }
            if (!snapshots.isEmpty()) {
                loader.insertSnapshots(snapshots);
                snapshots.clear();
            }
        }
    }
}
