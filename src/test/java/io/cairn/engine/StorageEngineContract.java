package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.EngineException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every storage engine promises the services and the NBD server, whatever keeps the data. Each engine's
 * test class extends this with a way to open the engine; engine-specific facts (chunk counts, RBD image names)
 * live in that class.
 */
public abstract class StorageEngineContract {
    protected static final long MIB = 1L << 20;

    protected Engine engine;

    /** A fresh engine; the ids each test uses are its own, so engines on a shared cluster do not collide. */
    protected abstract Engine openEngine() throws IOException;

    @BeforeEach
    void open() throws IOException {
        engine = openEngine();
    }

    @AfterEach
    void close() throws IOException {
        engine.close();
    }

    /** A unique id: engines may keep data across tests (a Ceph pool). */
    protected static String id() {
        return UUID.randomUUID().toString();
    }

    @Test
    void aNewVolumeReadsAsZerosAndKeepsWhatIsWritten() throws IOException {
        String volume = id();
        engine.createVolume(volume, 8 * MIB);
        try (BlockDevice device = open(volume)) {
            assertThat(device.sizeBytes()).isEqualTo(8 * MIB);
            assertThat(device.writable()).isTrue();
            assertThat(read(device, 0, (int) MIB)).containsOnly(0);
            device.write(MIB + 10, filled(4096, 7), false);
            device.flush();
            byte[] back = read(device, MIB, 8192);
            assertThat(Arrays.copyOfRange(back, 10, 4106)).containsOnly(7);
            assertThat(back[9]).isZero();
            assertThat(back[4106]).isZero();
        }
    }

    @Test
    void aSnapshotKeepsThePointInTimeAndOpensReadOnly() throws IOException {
        String volume = id();
        String snapshot = id();
        engine.createVolume(volume, 4 * MIB);
        write(volume, 0, filled((int) MIB, 1));
        List<Double> progress = new ArrayList<>();
        engine.createSnapshot(volume, snapshot, progress::add);
        assertThat(progress).last().isEqualTo(1.0);
        write(volume, 0, filled((int) MIB, 2));

        try (BlockDevice frozen = engine.open(volume, Optional.of(snapshot), false)) {
            assertThat(frozen.writable()).isFalse();
            assertThat(read(frozen, 0, (int) MIB)).containsOnly(1);
            assertThatThrownBy(() -> frozen.write(0, filled(1, 9), false)).satisfies(reason(Reason.READ_ONLY));
        }
        assertThatThrownBy(() -> engine.open(volume, Optional.of(snapshot), true))
                .satisfies(reason(Reason.READ_ONLY));
        assertThat(engine.snapshotSizes(Optional.of(volume))).containsEntry(snapshot, 4 * MIB);
        assertThat(readVolume(volume, 0, (int) MIB)).containsOnly(2);
    }

    @Test
    void volumesFromSnapshotsAndClonesStartWithTheSourceAndGoTheirOwnWay() throws IOException {
        String volume = id();
        String snapshot = id();
        String fromSnapshot = id();
        String clone = id();
        engine.createVolume(volume, 4 * MIB);
        write(volume, 0, filled((int) MIB, 3));
        engine.createSnapshot(volume, snapshot, fraction -> {});
        engine.createVolumeFromSnapshot(fromSnapshot, volume, snapshot, 8 * MIB);
        engine.cloneVolume(clone, volume, 4 * MIB);
        write(volume, 0, filled((int) MIB, 4));

        try (BlockDevice device = open(fromSnapshot)) {
            assertThat(device.sizeBytes()).isEqualTo(8 * MIB);
            assertThat(read(device, 0, (int) MIB)).containsOnly(3);
            assertThat(read(device, 6 * MIB, (int) MIB)).containsOnly(0);
            device.write(0, filled(4096, 5), false);
        }
        assertThat(readVolume(clone, 0, (int) MIB)).containsOnly(3);
        assertThat(readVolume(fromSnapshot, 0, 4096)).containsOnly(5);
        assertThat(readVolume(volume, 0, (int) MIB)).containsOnly(4);
    }

    @Test
    void revertRestoresTheSnapshotAndMakesOpenDevicesStale() throws IOException {
        String volume = id();
        String snapshot = id();
        engine.createVolume(volume, 4 * MIB);
        write(volume, 0, filled((int) MIB, 6));
        engine.createSnapshot(volume, snapshot, fraction -> {});
        try (BlockDevice connected = open(volume)) {
            connected.write(0, filled((int) MIB, 7), false);
            connected.flush();
            engine.revertToSnapshot(volume, snapshot);
            assertThatThrownBy(() -> read(connected, 0, 1)).satisfies(reason(Reason.STALE));
        }
        assertThat(readVolume(volume, 0, (int) MIB)).containsOnly(6);
    }

    @Test
    void aGroupSnapshotIsOneInstantAcrossItsVolumesWhileWritersRun() throws Exception {
        Map<String, String> snapshots = new TreeMap<>();
        assertOneInstantWhileWritersRun(
                (members, size) -> {
                    members.forEach(member -> snapshots.put(member, id()));
                    engine.createGroupSnapshot(snapshots);
                },
                member -> engine.open(member, Optional.of(snapshots.get(member)), false));
    }

    @Test
    void clonesMadeTogetherAreOneInstantAcrossTheirSourcesWhileWritersRun() throws Exception {
        Map<String, String> clones = new TreeMap<>();
        assertOneInstantWhileWritersRun(
                (members, size) -> {
                    members.forEach(member -> clones.put(member, id()));
                    engine.cloneVolumes(members.stream()
                            .map(member -> new StorageEngine.Clone(clones.get(member), member, size))
                            .toList());
                },
                member -> engine.open(clones.get(member), Optional.empty(), false));
    }

    /** Takes something of several volumes at once, given their ids and size. */
    @FunctionalInterface
    private interface Cut {
        void take(List<String> members, long size) throws IOException;
    }

    /** Opens what {@link Cut} took of one member. */
    @FunctionalInterface
    private interface CutOpener {
        BlockDevice open(String member) throws IOException;
    }

    /**
     * Writers run on three volumes while {@code cut} takes its copies: every write acknowledged before is in them,
     * none started after is, and each writer's writes in them are a prefix of its sequence.
     */
    private void assertOneInstantWhileWritersRun(Cut cut, CutOpener taken) throws Exception {
        int volumes = 3;
        int writers = 3;
        int writes = 100_000;
        long size = SequencedWriters.volumeBytes(volumes, writers, writes);
        List<String> members = List.of(id(), id(), id());
        for (String member : members) {
            engine.createVolume(member, size);
        }
        List<BlockDevice> devices = new ArrayList<>();
        for (String member : members) {
            devices.add(open(member));
        }
        List<SequencedWriters.Sink> sinks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            sinks.add((volume, offset, block) -> devices.get(volume).write(offset, ByteBuffer.wrap(block), false));
        }
        try (SequencedWriters writing = new SequencedWriters(volumes, writers, writes, sinks)) {
            writing.awaitWriting();
            long[] acknowledgedBefore = writing.acknowledged();
            cut.take(members, size);
            long[] startedAfter = writing.started();
            long[] found = writing.assertOneCut(
                    (volume, offset, length) -> {
                        try (BlockDevice frozen = taken.open(members.get(volume))) {
                            return read(frozen, offset, length);
                        }
                    },
                    acknowledgedBefore,
                    startedAfter);
            assertThat(Arrays.stream(found).sum()).as("writes in the copies").isPositive();
        } finally {
            for (BlockDevice device : devices) {
                device.close();
            }
        }
    }

    @Test
    void aGroupSnapshotRunAgainKeepsAWholeSetAndTakesAPartOneAgain() throws IOException {
        String first = id();
        String second = id();
        engine.createVolume(first, 4 * MIB);
        engine.createVolume(second, 4 * MIB);
        Map<String, String> snapshots = Map.of(first, id(), second, id());
        write(first, 0, filled((int) MIB, 1));
        // An interrupted run took the first member only, at an earlier instant.
        engine.createSnapshot(first, snapshots.get(first), fraction -> {});
        write(first, 0, filled((int) MIB, 2));
        write(second, 0, filled((int) MIB, 2));
        engine.createGroupSnapshot(snapshots);
        assertThat(readSnapshot(first, snapshots.get(first))).containsOnly(2);
        assertThat(readSnapshot(second, snapshots.get(second))).containsOnly(2);

        write(first, 0, filled((int) MIB, 3));
        engine.createGroupSnapshot(snapshots); // a whole set stays as it was taken
        assertThat(readSnapshot(first, snapshots.get(first))).containsOnly(2);
    }

    @Test
    void revertingAGroupGivesEveryMemberItsSnapshotsContent() throws IOException {
        String first = id();
        String second = id();
        engine.createVolume(first, 4 * MIB);
        engine.createVolume(second, 4 * MIB);
        write(first, 0, filled((int) MIB, 1));
        write(second, MIB, filled((int) MIB, 2));
        Map<String, String> snapshots = Map.of(first, id(), second, id());
        engine.createGroupSnapshot(snapshots);
        write(first, 0, filled((int) MIB, 5));
        write(second, MIB, filled((int) MIB, 6));
        engine.revertGroup(snapshots);
        engine.revertGroup(snapshots); // a rerun after a crash
        assertThat(readVolume(first, 0, (int) MIB)).containsOnly(1);
        assertThat(readVolume(second, MIB, (int) MIB)).containsOnly(2);
        assertThatThrownBy(() -> engine.createGroupSnapshot(Map.of(first, id(), id(), id())))
                .satisfies(reason(Reason.NOT_FOUND));
    }

    private byte[] readSnapshot(String volume, String snapshot) throws IOException {
        try (BlockDevice frozen = engine.open(volume, Optional.of(snapshot), false)) {
            return read(frozen, 0, (int) MIB);
        }
    }

    @Test
    void extendingKeepsTheDataAndAddsZeros() throws IOException {
        String volume = id();
        engine.createVolume(volume, 2 * MIB);
        write(volume, MIB, filled(4096, 8));
        engine.extendVolume(volume, 6 * MIB);
        engine.extendVolume(volume, 6 * MIB);
        try (BlockDevice device = open(volume)) {
            assertThat(device.sizeBytes()).isEqualTo(6 * MIB);
            assertThat(read(device, MIB, 4096)).containsOnly(8);
            assertThat(read(device, 5 * MIB, (int) MIB)).containsOnly(0);
        }
    }

    @Test
    void zeroesAndTrimsReadAsZeros() throws IOException {
        String volume = id();
        engine.createVolume(volume, 4 * MIB);
        write(volume, 0, filled((int) (4 * MIB), 9));
        try (BlockDevice device = open(volume)) {
            device.writeZeroes(0, MIB, false);
            device.trim(2 * MIB, MIB, true);
            assertThat(read(device, 0, (int) MIB)).containsOnly(0);
            assertThat(read(device, MIB, (int) MIB)).containsOnly(9);
            assertThat(read(device, 2 * MIB, (int) MIB)).containsOnly(0);
            assertThat(read(device, 3 * MIB, (int) MIB)).containsOnly(9);
        }
    }

    @Test
    void aTrimOfPartsOfPiecesReadsAsZerosToo() throws IOException {
        String volume = id();
        engine.createVolume(volume, 4 * MIB);
        write(volume, 0, filled((int) (4 * MIB), 7));
        try (BlockDevice device = open(volume)) {
            device.trim(4096 + 100, 70_000, true);
            assertThat(read(device, 4096 + 100, 70_000)).containsOnly(0);
            assertThat(read(device, 0, 4096 + 100)).containsOnly(7);
            assertThat(read(device, 4096 + 100 + 70_000, 4096)).containsOnly(7);
        }
    }

    @Test
    void requestsPastTheEndAndUnknownIdsAreRefused() throws IOException {
        String volume = id();
        engine.createVolume(volume, MIB);
        try (BlockDevice device = open(volume)) {
            assertThatThrownBy(() -> read(device, MIB - 10, 20)).satisfies(reason(Reason.OUT_OF_RANGE));
            assertThatThrownBy(() -> device.write(-1, filled(1, 1), false)).satisfies(reason(Reason.OUT_OF_RANGE));
        }
        assertThatThrownBy(() -> engine.open(id(), Optional.empty(), true)).satisfies(reason(Reason.NOT_FOUND));
    }

    @Test
    void deletingASnapshotOrAVolumeLeavesWhatWasMadeFromThemWhole() throws IOException {
        String volume = id();
        String snapshot = id();
        String fromSnapshot = id();
        String clone = id();
        engine.createVolume(volume, 4 * MIB);
        write(volume, 0, filled((int) MIB, 10));
        engine.createSnapshot(volume, snapshot, fraction -> {});
        engine.createVolumeFromSnapshot(fromSnapshot, volume, snapshot, 4 * MIB);
        engine.cloneVolume(clone, volume, 4 * MIB);

        List<Double> progress = new ArrayList<>();
        engine.deleteSnapshot(volume, snapshot, progress::add);
        assertThat(engine.snapshotSizes(Optional.of(volume))).doesNotContainKey(snapshot);
        assertThat(readVolume(fromSnapshot, 0, (int) MIB)).containsOnly(10);
        engine.deleteVolume(volume);
        assertThatThrownBy(() -> engine.open(volume, Optional.empty(), true)).satisfies(reason(Reason.NOT_FOUND));
        assertThat(readVolume(clone, 0, (int) MIB)).containsOnly(10);
        engine.deleteVolume(clone);
        engine.deleteVolume(fromSnapshot);
    }

    @Test
    void everyOperationCanRunAgainAfterItSucceeded() throws IOException {
        String volume = id();
        String snapshot = id();
        String copy = id();
        String clone = id();
        engine.createVolume(volume, 4 * MIB);
        engine.createVolume(volume, 4 * MIB);
        write(volume, 0, filled(4096, 1));
        engine.createSnapshot(volume, snapshot, fraction -> {});
        write(volume, 0, filled(4096, 2));
        engine.createSnapshot(volume, snapshot, fraction -> {}); // the first run's instant stands
        try (BlockDevice frozen = engine.open(volume, Optional.of(snapshot), false)) {
            assertThat(read(frozen, 0, 4096)).containsOnly(1);
        }
        engine.createVolumeFromSnapshot(copy, volume, snapshot, 4 * MIB);
        engine.createVolumeFromSnapshot(copy, volume, snapshot, 4 * MIB);
        engine.cloneVolume(clone, volume, 4 * MIB);
        engine.cloneVolume(clone, volume, 4 * MIB);
        engine.revertToSnapshot(volume, snapshot);
        engine.revertToSnapshot(volume, snapshot);
        engine.deleteVolume(clone);
        engine.deleteVolume(clone);
        engine.deleteSnapshot(volume, snapshot, fraction -> {});
        engine.deleteSnapshot(volume, snapshot, fraction -> {});

        assertThat(readVolume(volume, 0, 4096)).containsOnly(1);
        assertThat(readVolume(copy, 0, 4096)).containsOnly(1);
        engine.deleteVolume(copy);
        engine.deleteVolume(volume);
        engine.deleteVolume(volume);
    }

    /**
     * How far the engine may round a written or trimmed range out, on both sides, when it reports it changed: a granule
     * that no write or trim since the older snapshot touched is never reported.
     */
    protected abstract long granularity();

    /**
     * The unit of size of the changed-extents tests: at least a granule, so that a write within one unit leaves the
     * others as the engine reports them unchanged.
     */
    private long unit() {
        return Math.max(MIB, granularity());
    }

    @Test
    void aNewVolumeHasNoAllocatedExtents() throws IOException {
        String volume = id();
        String snapshot = id();
        engine.createVolume(volume, 4 * MIB);
        engine.createSnapshot(volume, snapshot, fraction -> {});
        assertThat(engine.changedExtents(volume, Optional.empty(), Optional.empty()))
                .isEmpty();
        assertThat(engine.changedExtents(volume, Optional.of(snapshot), Optional.empty()))
                .isEmpty();
        assertThat(engine.changedExtents(volume, Optional.of(snapshot), Optional.of(snapshot)))
                .isEmpty();
    }

    @Test
    void changedExtentsBetweenSnapshotsCoverEveryChangeAndOnlyWhatWasWritten() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        int size = (int) (8 * unit());
        String volume = id();
        engine.createVolume(volume, size);
        Content content = new Content(size);
        Optional<String> previous = Optional.empty();
        for (int round = 0; round < 4; round++) {
            try (BlockDevice device = open(volume)) {
                for (int i = 0; i < 6; i++) {
                    int length = 1 + random.nextInt(96 * 1024);
                    content.write(device, random.nextInt(size - length + 1), randomBytes(random, length));
                }
                if (round > 0) {
                    int length = 1 + random.nextInt((int) unit());
                    content.trim(device, random.nextInt(size - length + 1), length);
                }
                device.flush();
            }
            String snapshot = id();
            engine.createSnapshot(volume, snapshot, fraction -> {});
            // The first round's answer is the allocated extents: the changes since a volume of zeros.
            content.assertChanges(
                    engine.changedExtents(volume, Optional.of(snapshot), previous),
                    "seed " + seed + ", round " + round);
            content.frozen();
            previous = Optional.of(snapshot);
        }
    }

    @Test
    void aTrimmedRangeCountsAsChanged() throws IOException {
        String volume = id();
        String before = id();
        String after = id();
        long unit = unit();
        engine.createVolume(volume, 4 * unit);
        Content content = new Content((int) (4 * unit));
        try (BlockDevice device = open(volume)) {
            content.write(device, 0, randomBytes(new Random(), (int) (2 * unit)));
            device.flush();
        }
        engine.createSnapshot(volume, before, fraction -> {});
        content.frozen();
        try (BlockDevice device = open(volume)) {
            content.trim(device, unit / 2, unit);
            device.flush();
        }
        engine.createSnapshot(volume, after, fraction -> {});
        List<StorageEngine.Extent> changed = engine.changedExtents(volume, Optional.of(after), Optional.of(before));
        assertThat(covered(changed, unit / 2, unit)).as("%s", changed).isTrue();
        content.assertChanges(changed, "trimmed");
    }

    @Test
    void theVolumeItselfComparesWithItsLatestSnapshotAcrossAnExtend() throws IOException {
        Random random = new Random();
        String volume = id();
        String snapshot = id();
        long unit = unit();
        engine.createVolume(volume, 2 * unit);
        Content content = new Content((int) (2 * unit));
        try (BlockDevice device = open(volume)) {
            content.write(device, 100_000, randomBytes(random, 300_000));
            device.flush();
        }
        engine.createSnapshot(volume, snapshot, fraction -> {});
        content.frozen();
        engine.extendVolume(volume, 4 * unit);
        content.grow((int) (4 * unit));
        try (BlockDevice device = open(volume)) {
            content.write(device, unit + 12_345, randomBytes(random, 5_000));
            content.write(device, 3 * unit + 777, randomBytes(random, 70_000));
            device.flush();
        }
        // The bytes past the snapshot's end are changed where they hold data, and only there.
        content.assertChanges(engine.changedExtents(volume, Optional.empty(), Optional.of(snapshot)), "volume");
    }

    @Test
    void aVolumeMadeFromASnapshotHasTheSnapshotsDataAllocated() throws IOException {
        String source = id();
        String snapshot = id();
        String copy = id();
        long unit = unit();
        engine.createVolume(source, 4 * unit);
        Content content = new Content((int) (4 * unit));
        try (BlockDevice device = open(source)) {
            content.write(device, 3 * unit - 100_000, randomBytes(new Random(), 200_000));
            device.flush();
        }
        engine.createSnapshot(source, snapshot, fraction -> {});
        engine.createVolumeFromSnapshot(copy, source, snapshot, 4 * unit);
        content.assertChanges(engine.changedExtents(copy, Optional.empty(), Optional.empty()), "made from a snapshot");
        engine.deleteVolume(copy);
    }

    @Test
    void changedExtentsOfUnknownIdsAreNotFound() throws IOException {
        String volume = id();
        String snapshot = id();
        engine.createVolume(volume, MIB);
        engine.createSnapshot(volume, snapshot, fraction -> {});
        assertThatThrownBy(() -> engine.changedExtents(id(), Optional.empty(), Optional.empty()))
                .satisfies(reason(Reason.NOT_FOUND));
        assertThatThrownBy(() -> engine.changedExtents(volume, Optional.of(id()), Optional.empty()))
                .satisfies(reason(Reason.NOT_FOUND));
        assertThatThrownBy(() -> engine.changedExtents(volume, Optional.empty(), Optional.of(id())))
                .satisfies(reason(Reason.NOT_FOUND));
        assertThatThrownBy(() -> engine.changedExtents(volume, Optional.of(snapshot), Optional.of(id())))
                .satisfies(reason(Reason.NOT_FOUND));
    }

    /**
     * A volume's content, and what the engine may report changed since the last snapshot: every byte that differs
     * from the snapshot must be in the answer, and nothing outside the written and trimmed ranges rounded out to the
     * engine's granularity.
     */
    private final class Content {
        private byte[] current;
        private byte[] atSnapshot;
        private BitSet touched = new BitSet();

        Content(int size) {
            current = new byte[size];
            atSnapshot = new byte[size];
        }

        void write(BlockDevice device, long offset, byte[] data) throws IOException {
            device.write(offset, ByteBuffer.wrap(data), false);
            System.arraycopy(data, 0, current, (int) offset, data.length);
            touch(offset, data.length);
        }

        void trim(BlockDevice device, long offset, long length) throws IOException {
            device.trim(offset, length, false);
            Arrays.fill(current, (int) offset, (int) (offset + length), (byte) 0);
            touch(offset, length);
        }

        /** The volume grew: the new bytes read as zeros, and were not there when the snapshot was taken. */
        void grow(int size) {
            current = Arrays.copyOf(current, size);
        }

        /** A snapshot was taken: changes count from here. */
        void frozen() {
            atSnapshot = current.clone();
            touched = new BitSet();
        }

        void assertChanges(List<StorageEngine.Extent> extents, String description) {
            long end = -1;
            BitSet reported = new BitSet();
            for (StorageEngine.Extent extent : extents) {
                assertThat(extent.length())
                        .as(description + ": an empty extent in %s", extents)
                        .isPositive();
                assertThat(extent.offset())
                        .as(description + ": sorted, apart and merged: %s", extents)
                        .isGreaterThan(end);
                end = extent.offset() + extent.length();
                assertThat(end)
                        .as(description + ": within the volume: %s", extents)
                        .isLessThanOrEqualTo(current.length);
                reported.set((int) extent.offset(), (int) end);
            }
            BitSet differing = new BitSet();
            for (int i = 0; i < current.length; i++) {
                if (current[i] != (i < atSnapshot.length ? atSnapshot[i] : 0)) {
                    differing.set(i);
                }
            }
            BitSet missed = (BitSet) differing.clone();
            missed.andNot(reported);
            assertThat(ranges(missed))
                    .as(description + ": changed bytes missing from %s", extents)
                    .isEmpty();
            BitSet beyond = (BitSet) reported.clone();
            beyond.andNot(touched);
            assertThat(ranges(beyond))
                    .as(description + ": untouched bytes reported in %s", extents)
                    .isEmpty();
        }

        private void touch(long offset, long length) {
            long granularity = granularity();
            long from = Math.floorDiv(offset, granularity) * granularity;
            long to = Math.min(Math.ceilDiv(offset + length, granularity) * granularity, current.length);
            touched.set((int) from, (int) to);
        }
    }

    /** Whether the extents cover {@code length} bytes from {@code offset}. */
    private static boolean covered(List<StorageEngine.Extent> extents, long offset, long length) {
        return extents.stream()
                .anyMatch(extent -> extent.offset() <= offset && offset + length <= extent.offset() + extent.length());
    }

    /** The set bits as extents, for readable failures. */
    private static List<StorageEngine.Extent> ranges(BitSet bits) {
        List<StorageEngine.Extent> ranges = new ArrayList<>();
        for (int from = bits.nextSetBit(0); from >= 0; from = bits.nextSetBit(bits.nextClearBit(from))) {
            ranges.add(new StorageEngine.Extent(from, bits.nextClearBit(from) - from));
        }
        return ranges;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    protected BlockDevice open(String volume) throws IOException {
        return engine.open(volume, Optional.empty(), true);
    }

    protected void write(String volume, long offset, ByteBuffer data) throws IOException {
        try (BlockDevice device = open(volume)) {
            device.write(offset, data, false);
            device.flush();
        }
    }

    protected byte[] readVolume(String volume, long offset, int length) throws IOException {
        try (BlockDevice device = open(volume)) {
            return read(device, offset, length);
        }
    }

    protected static byte[] read(BlockDevice device, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        device.read(offset, buffer);
        return buffer.array();
    }

    protected static ByteBuffer filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return ByteBuffer.wrap(bytes);
    }

    protected static java.util.function.Consumer<Throwable> reason(Reason expected) {
        return thrown -> assertThat(thrown)
                .isInstanceOfSatisfying(
                        EngineException.class, e -> assertThat(e.reason()).isEqualTo(expected));
    }
}
