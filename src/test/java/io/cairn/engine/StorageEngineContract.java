package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.EngineException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

    private static java.util.function.Consumer<Throwable> reason(Reason expected) {
        return thrown -> assertThat(thrown)
                .isInstanceOfSatisfying(
                        EngineException.class, e -> assertThat(e.reason()).isEqualTo(expected));
    }
}
