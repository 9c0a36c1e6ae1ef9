package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.StorageEngine.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The chunk engine's changed extents against a plain model: after any sequence of writes, trims, snapshots, extends
 * (to sizes that end inside a chunk) and restarts, the answer for every pair of snapshots, for the volume against each
 * snapshot and for the allocated extents of each covers every byte that reads differently, and holds nothing but the
 * chunks written or trimmed in between and, past the older one's end, chunks that were ever written.
 */
class ChangedExtentsPropertyTest {
    private static final int CHUNK = 4096;
    private static final int SIZE = 12 * CHUNK + 1000;
    private static final String VOLUME = "v";

    enum Kind {
        WRITE,
        TRIM,
        SNAPSHOT,
        EXTEND,
        RESTART
    }

    /** One step; {@code offset} is taken modulo the size, {@code length} is cut at the end. */
    record Step(Kind kind, int offset, int length) {}

    /** A point to compare (a snapshot, or the volume): its content, and how many writes and trims came before it. */
    record Frozen(Optional<String> snapshot, byte[] content, int changes) {}

    /** A write or trim, rounded out to whole chunks. */
    record Change(long from, long to) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.of(Kind.class).edgeCases(edges -> edges.includeOnly(Kind.WRITE)),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE),
                        Arbitraries.integers().between(1, 3 * CHUNK))
                .as(Step::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, step.filter(s -> s.kind() == Kind.WRITE || s.kind() == Kind.TRIM)),
                        net.jqwik.api.Tuple.of(3, step))
                .list()
                .ofMinSize(1)
                .ofMaxSize(30);
    }

    @Property(tries = 80)
    void changedExtentsCoverEveryDifferenceAndOnlyChunksChangedBetween(@ForAll("steps") List<Step> steps)
            throws IOException {
        Path directory = Files.createTempDirectory("cairn-changed");
        LocalChunkEngine engine = LocalChunkEngine.open(directory, CHUNK);
        try {
            engine.createVolume(VOLUME, SIZE);
            byte[] content = new byte[SIZE];
            List<Change> changes = new ArrayList<>();
            List<Frozen> snapshots = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                int offset = step.offset() % content.length;
                int length = Math.min(step.length(), content.length - offset);
                switch (step.kind()) {
                    case WRITE -> {
                        byte[] data = new byte[length];
                        new Random(i).nextBytes(data);
                        try (BlockDevice device = engine.open(VOLUME, true)) {
                            device.write(offset, ByteBuffer.wrap(data), false);
                        }
                        System.arraycopy(data, 0, content, offset, length);
                        changes.add(rounded(offset, length));
                    }
                    case TRIM -> {
                        try (BlockDevice device = engine.open(VOLUME, true)) {
                            device.trim(offset, length, false);
                        }
                        Arrays.fill(content, offset, offset + length, (byte) 0);
                        changes.add(rounded(offset, length));
                    }
                    case SNAPSHOT -> {
                        engine.createSnapshot(VOLUME, "s" + i, fraction -> {});
                        snapshots.add(new Frozen(Optional.of("s" + i), content.clone(), changes.size()));
                    }
                    case EXTEND -> {
                        content = Arrays.copyOf(content, content.length + step.length());
                        engine.extendVolume(VOLUME, content.length);
                    }
                    case RESTART -> {
                        engine.close();
                        engine = LocalChunkEngine.open(directory, CHUNK);
                    }
                }
            }
            Frozen volume = new Frozen(Optional.empty(), content, changes.size());
            Frozen nothing = new Frozen(Optional.empty(), new byte[0], 0);
            List<Frozen> newer = new ArrayList<>(snapshots);
            newer.add(volume);
            for (int n = 0; n < newer.size(); n++) {
                Frozen to = newer.get(n);
                assertChanges(engine, nothing, to, changes);
                for (Frozen from : snapshots.subList(0, Math.min(n, snapshots.size()))) {
                    assertChanges(engine, from, to, changes);
                }
            }
        } finally {
            engine.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void assertChanges(LocalChunkEngine engine, Frozen from, Frozen to, List<Change> changes)
            throws IOException {
        List<Extent> extents = engine.changedExtents(VOLUME, to.snapshot(), from.snapshot());
        String description =
                to.snapshot().orElse(VOLUME) + " from " + from.snapshot().orElse("nothing") + ": " + extents;
        BitSet reported = new BitSet();
        long end = -1;
        for (Extent extent : extents) {
            assertThat(extent.length()).as(description).isPositive();
            assertThat(extent.offset()).as(description).isGreaterThan(end);
            end = extent.offset() + extent.length();
            assertThat(end).as(description).isLessThanOrEqualTo(to.content().length);
            reported.set((int) extent.offset(), (int) end);
        }
        BitSet differing = new BitSet();
        for (int i = 0; i < to.content().length; i++) {
            if (to.content()[i] != (i < from.content().length ? from.content()[i] : 0)) {
                differing.set(i);
            }
        }
        BitSet allowed = new BitSet();
        long olderEnd = Math.floorDiv(from.content().length, CHUNK) * (long) CHUNK;
        for (int i = 0; i < to.changes(); i++) {
            Change change = changes.get(i);
            if (i >= from.changes()) {
                allowed.set((int) change.from(), (int) change.to());
            } else if (change.to() > olderEnd) {
                // Past the older one's end, a chunk that holds data is changed, however long ago it was written.
                allowed.set((int) Math.max(change.from(), olderEnd), (int) change.to());
            }
        }
        differing.andNot(reported);
        assertThat(differing.nextSetBit(0))
                .as("a changed byte is missing: %s", description)
                .isEqualTo(-1);
        reported.andNot(allowed);
        assertThat(reported.nextSetBit(0))
                .as("an untouched byte is reported: %s", description)
                .isEqualTo(-1);
    }

    private static Change rounded(long offset, long length) {
        return new Change(
                Math.floorDiv(offset, CHUNK) * (long) CHUNK, Math.ceilDiv(offset + length, CHUNK) * (long) CHUNK);
    }
}
