package io.cairn.engine.rbd;

import static io.cairn.TestCeph.objectSize;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestCeph;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.StorageEngine.Extent;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code rbd-object-size}: the images the engine makes get it, clones too; without it a new image gets the cluster's
 * 4 MiB and a clone its parent's object size. And why it matters: librbd reports an object created since the
 * older snapshot from the object's start, so only objects of a block (512 KiB) or less keep changes exact to the block.
 */
@TestCeph.Required
class RbdObjectSizeTest {
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final int SMALL = (int) (512 * KIB);
    /** The cluster's {@code rbd_default_order} (22), which {@code ceph/micro-ceph.sh} leaves as Ceph ships it. */
    private static final long CLUSTER_DEFAULT = 4 * MIB;

    private RbdEngine small;
    private RbdEngine unset;

    @BeforeAll
    static void requireCeph() {
        TestCeph.assumeAvailable();
    }

    @BeforeEach
    void open() {
        small = engine(OptionalInt.of(SMALL));
        unset = engine(OptionalInt.empty());
    }

    @AfterEach
    void close() {
        small.close();
        unset.close();
    }

    private static RbdEngine engine(OptionalInt objectSize) {
        return new RbdEngine(
                RbdCluster.connect(TestCeph.conf(), TestCeph.USER, TestCeph.POOL),
                new RbdEngine.Settings(false, 5, objectSize));
    }

    @Test
    void aNewImageHasTheObjectSizeSetAndWithoutOneTheClusters() throws Exception {
        String set = id();
        String clusters = id();
        small.createVolume(set, 8 * MIB);
        unset.createVolume(clusters, 8 * MIB);

        assertThat(objectSize(RbdEngine.imageName(set))).isEqualTo(SMALL);
        assertThat(objectSize(RbdEngine.imageName(clusters))).isEqualTo(CLUSTER_DEFAULT);
        small.deleteVolume(set);
        unset.deleteVolume(clusters);
    }

    @Test
    void clonesHaveTheObjectSizeSetAndWithoutOneTheirParents() throws Exception {
        String large = id();
        String snapshotOfLarge = id();
        unset.createVolume(large, 8 * MIB);
        write(unset, large, 0, 8 * (int) MIB, 3);
        unset.createSnapshot(large, snapshotOfLarge, fraction -> {});
        String fine = id();
        String finer = id();
        String fromLarge = id();
        small.createVolumeFromSnapshot(fine, large, snapshotOfLarge, 8 * MIB);
        small.cloneVolume(finer, large, 8 * MIB);
        unset.createVolumeFromSnapshot(fromLarge, large, snapshotOfLarge, 8 * MIB);
        String fromFine = id();
        unset.cloneVolume(fromFine, fine, 8 * MIB);

        assertThat(objectSize(RbdEngine.imageName(fine))).isEqualTo(SMALL);
        assertThat(objectSize(RbdEngine.imageName(finer))).isEqualTo(SMALL);
        assertThat(objectSize(RbdEngine.imageName(fromLarge))).isEqualTo(CLUSTER_DEFAULT);
        assertThat(objectSize(RbdEngine.imageName(fromFine))).isEqualTo(SMALL);
        // librbd reads through parents of another object size: every clone reads the parent's bytes across objects.
        for (String clone : List.of(fine, finer, fromLarge, fromFine)) {
            assertThat(read(unset, clone, 3 * MIB + 100 * KIB, (int) (2 * MIB))).containsOnly(3);
        }
        for (String volume : List.of(fromFine, fromLarge, finer, fine, large)) {
            unset.deleteVolume(volume);
        }
    }

    /**
     * A 4 KiB write 100 KiB into the block at 5 MiB, an object none of the volume's snapshots had: with 4 MiB objects
     * the change counts from the object's start at 4 MiB (blocks 8 to 10 change, not block 10 alone); with 512 KiB
     * objects from 5 MiB, the block's own start.
     */
    @Test
    void aWriteIntoAnObjectCreatedSinceTheOlderSnapshotCountsFromTheObjectsStart() throws Exception {
        long offset = 5 * MIB + 100 * KIB;
        assertThat(changesOfOneWrite(unset, offset)).containsExactly(new Extent(4 * MIB, offset + 4 * KIB - 4 * MIB));
        assertThat(changesOfOneWrite(small, offset)).containsExactly(new Extent(5 * MIB, offset + 4 * KIB - 5 * MIB));
    }

    /**
     * The same in a clone: where the parent has data, the clone's first write to an object copies the parent's object
     * up with the clone's snapshots, so only the bytes written count; where the parent has none, the clone creates the
     * object and it counts from its start, 4 MiB before when the clone keeps its parent's object size, the block's
     * own start with {@code rbd-object-size=512K}.
     */
    @Test
    void aWriteIntoACloneWhereItsParentHasNoDataCountsFromTheObjectsStart() throws Exception {
        String parent = id();
        String base = id();
        unset.createVolume(parent, 8 * MIB);
        write(unset, parent, 0, 4 * (int) MIB, 5);
        unset.createSnapshot(parent, base, fraction -> {});
        long overData = MIB + 100 * KIB;
        long overNothing = 5 * MIB + 100 * KIB;
        for (RbdEngine engine : List.of(unset, small)) {
            String clone = id();
            String before = id();
            String after = id();
            engine.createVolumeFromSnapshot(clone, parent, base, 8 * MIB);
            engine.createSnapshot(clone, before, fraction -> {});
            write(engine, clone, overData, 4 * (int) KIB, 6);
            write(engine, clone, overNothing, 4 * (int) KIB, 6);
            engine.createSnapshot(clone, after, fraction -> {});

            long object = objectSize(RbdEngine.imageName(clone));
            long start = Math.floorDiv(overNothing, object) * object;
            assertThat(engine.changedExtents(clone, Optional.of(after), Optional.of(before)))
                    .as("a clone with objects of %d bytes", object)
                    .containsExactly(new Extent(overData, 4 * KIB), new Extent(start, overNothing + 4 * KIB - start));
            engine.deleteVolume(clone);
        }
        unset.deleteVolume(parent);
    }

    /** Snapshots a new volume, writes 4 KiB at {@code offset}, snapshots again; the extents changed between them. */
    private static List<Extent> changesOfOneWrite(RbdEngine engine, long offset) throws Exception {
        String volume = id();
        String before = id();
        String after = id();
        engine.createVolume(volume, 16 * MIB);
        engine.createSnapshot(volume, before, fraction -> {});
        write(engine, volume, offset, 4 * (int) KIB, 9);
        engine.createSnapshot(volume, after, fraction -> {});
        List<Extent> changed = engine.changedExtents(volume, Optional.of(after), Optional.of(before));
        engine.deleteVolume(volume);
        return changed;
    }

    private static void write(RbdEngine engine, String volume, long offset, int length, int value) throws Exception {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        try (BlockDevice device = engine.open(volume, Optional.empty(), true)) {
            device.write(offset, ByteBuffer.wrap(bytes), false);
            device.flush();
        }
    }

    private static byte[] read(RbdEngine engine, String volume, long offset, int length) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (BlockDevice device = engine.open(volume, Optional.empty(), false)) {
            device.read(offset, buffer);
        }
        return buffer.array();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
