package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The engine against a plain model (a byte array per volume and snapshot): after any sequence of writes,
 * trims, snapshots, clones, reverts, deletes, restarts and crashes right after a flush, every volume and
 * snapshot reads exactly as the model says, and the maps and reference counts agree with the disk.
 */
class EngineModelPropertyTest {
    private static final int CHUNK = 4096;
    private static final int SIZE = 12 * CHUNK;

    enum Kind {
        WRITE,
        TRIM,
        SNAPSHOT,
        REVERT,
        FROM_SNAPSHOT,
        CLONE,
        DELETE_SNAPSHOT,
        DELETE_VOLUME,
        RESTART,
        CRASH_AFTER_FLUSH
    }

    /** One step; {@code a}, {@code b}, {@code c} pick targets, offsets and lengths modulo what exists. */
    record Step(Kind kind, int a, int b, int c) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.of(Kind.class).edgeCases(edges -> edges.includeOnly(Kind.WRITE)),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(0, SIZE - 1),
                        Arbitraries.integers().between(1, 3 * CHUNK))
                .as(Step::new);
        Arbitrary<Step> weighted = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, step.filter(s -> s.kind() == Kind.WRITE || s.kind() == Kind.TRIM)),
                net.jqwik.api.Tuple.of(4, step));
        return weighted.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 60)
    void theEngineReadsLikeTheModel(@ForAll("steps") List<Step> steps) throws IOException {
        Path directory = Files.createTempDirectory("cairn-model");
        LocalChunkEngine engine = LocalChunkEngine.open(directory, CHUNK);
        try {
            Map<String, byte[]> volumes = new LinkedHashMap<>();
            Map<String, byte[]> snapshots = new LinkedHashMap<>();
            engine.createVolume("v0", SIZE);
            volumes.put("v0", new byte[SIZE]);
            int counter = 0;
            for (Step step : steps) {
                counter++;
                List<String> volumeIds = new ArrayList<>(volumes.keySet());
                List<String> snapshotIds = new ArrayList<>(snapshots.keySet());
                String volume = volumeIds.isEmpty() ? null : volumeIds.get(step.a() % volumeIds.size());
                String snapshot = snapshotIds.isEmpty() ? null : snapshotIds.get(step.a() % snapshotIds.size());
                switch (step.kind()) {
                    case WRITE -> {
                        if (volume != null) {
                            int length = Math.min(step.c(), SIZE - step.b());
                            byte[] data = new byte[length];
                            new Random(counter).nextBytes(data);
                            try (BlockDevice device = engine.open(volume, true)) {
                                device.write(step.b(), ByteBuffer.wrap(data), false);
                            }
                            System.arraycopy(data, 0, volumes.get(volume), step.b(), length);
                        }
                    }
                    case TRIM -> {
                        if (volume != null) {
                            int length = Math.min(step.c(), SIZE - step.b());
                            try (BlockDevice device = engine.open(volume, true)) {
                                device.trim(step.b(), length, false);
                            }
                            Arrays.fill(volumes.get(volume), step.b(), step.b() + length, (byte) 0);
                        }
                    }
                    case SNAPSHOT -> {
                        if (volume != null) {
                            engine.createSnapshot(volume, "s" + counter, fraction -> {});
                            snapshots.put("s" + counter, volumes.get(volume).clone());
                        }
                    }
                    case REVERT -> {
                        if (volume != null && snapshot != null) {
                            engine.revertToSnapshot(volume, snapshot);
                            volumes.put(volume, snapshots.get(snapshot).clone());
                        }
                    }
                    case FROM_SNAPSHOT -> {
                        if (snapshot != null) {
                            engine.createVolumeFromSnapshot(
                                    "v" + counter, "", snapshot, SIZE); // this engine finds a snapshot by its id alone
                            volumes.put("v" + counter, snapshots.get(snapshot).clone());
                        }
                    }
                    case CLONE -> {
                        if (volume != null) {
                            engine.cloneVolume("v" + counter, volume, SIZE);
                            volumes.put("v" + counter, volumes.get(volume).clone());
                        }
                    }
                    case DELETE_SNAPSHOT -> {
                        if (snapshot != null) {
                            engine.deleteSnapshot("", snapshot, fraction -> {});
                            snapshots.remove(snapshot);
                        }
                    }
                    case DELETE_VOLUME -> {
                        if (volume != null) {
                            engine.deleteVolume(volume);
                            volumes.remove(volume);
                        }
                    }
                    case RESTART -> {
                        engine.close();
                        engine = LocalChunkEngine.open(directory, CHUNK);
                    }
                    case CRASH_AFTER_FLUSH -> {
                        engine.commit();
                        engine.abandon();
                        engine = LocalChunkEngine.open(directory, CHUNK);
                    }
                }
                assertReadsLike(engine, volumes, step);
                assertReadsLike(engine, snapshots, step);
            }
            engine.collect();
            LocalChunkEngine.Audit audit = engine.audit();
            assertThat(audit.memoryMatchesDisk()).isTrue();
            assertThat(audit.orphanSlots()).isZero();
            assertThat(audit.volumes()).isEqualTo(volumes.size());
            assertThat(audit.snapshots()).isEqualTo(snapshots.size());
        } finally {
            engine.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void assertReadsLike(LocalChunkEngine engine, Map<String, byte[]> model, Step after)
            throws IOException {
        for (Map.Entry<String, byte[]> entry : model.entrySet()) {
            ByteBuffer content = ByteBuffer.allocate(SIZE);
            try (BlockDevice device = engine.open(entry.getKey(), false)) {
                device.read(0, content);
            }
            assertThat(content.array()).as("%s after %s", entry.getKey(), after).isEqualTo(entry.getValue());
        }
    }
}
