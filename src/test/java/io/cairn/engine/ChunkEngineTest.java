package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkEngineTest {
    private static final int CHUNK = 64 * 1024;
    private static final long TIB = 1L << 40;

    @TempDir
    Path directory;

    private LocalChunkEngine engine;

    @BeforeEach
    void open() throws IOException {
        engine = LocalChunkEngine.open(directory, CHUNK);
    }

    @AfterEach
    void close() throws IOException {
        engine.close();
    }

    @Test
    void unwrittenChunksAreNotStoredAndReadAsZeros() throws IOException {
        engine.createVolume("vol", TIB);
        try (BlockDevice device = engine.open("vol", true)) {
            assertThat(device.sizeBytes()).isEqualTo(TIB);
            assertThat(read(device, TIB - 8192, 8192)).containsOnly(0);
            device.write(0, ByteBuffer.allocate(3 * CHUNK), false); // zeros into unmapped chunks allocate nothing
        }
        assertThat(engine.audit().referencedChunks()).isZero();
        assertThat(Files.size(directory.resolve("chunks"))).isZero();
    }

    @Test
    void aSnapshotSharesEveryChunkAndAWriteCopiesOnlyTheChunkItTouches() throws IOException {
        engine.createVolume("vol", 16L * CHUNK);
        try (BlockDevice volume = engine.open("vol", true)) {
            volume.write(0, filled(4 * CHUNK, 1), false);
            engine.createSnapshot("vol", "snap", fraction -> {});
            assertThat(engine.audit().referencedChunks()).isEqualTo(4);

            volume.write(CHUNK + 100, filled(10, 2), false);
            assertThat(engine.audit().referencedChunks()).isEqualTo(5);
            byte[] now = read(volume, CHUNK, CHUNK);
            assertThat(now[99]).isEqualTo((byte) 1);
            assertThat(now[100]).isEqualTo((byte) 2);
            assertThat(now[110]).isEqualTo((byte) 1);
        }
        try (BlockDevice snapshot = engine.open("snap", false)) {
            assertThat(read(snapshot, 0, 4 * CHUNK)).containsOnly(1);
            assertThatThrownBy(() -> snapshot.write(0, filled(1, 9), false))
                    .isInstanceOfSatisfying(
                            EngineException.class,
                            e -> assertThat(e.reason()).isEqualTo(EngineException.Reason.READ_ONLY));
        }
        assertThatThrownBy(() -> engine.open("snap", true))
                .isInstanceOfSatisfying(
                        EngineException.class, e -> assertThat(e.reason()).isEqualTo(EngineException.Reason.READ_ONLY));
    }

    @Test
    void volumesFromSnapshotsAndClonesShareChunksUntilWritten() throws IOException {
        engine.createVolume("vol", 8L * CHUNK);
        write("vol", 0, filled(8 * CHUNK, 7));
        engine.createSnapshot("vol", "snap", fraction -> {});
        engine.createVolumeFromSnapshot("from-snap", "vol", "snap", 16L * CHUNK);
        engine.cloneVolume("clone", "vol", 8L * CHUNK);
        assertThat(engine.audit().referencedChunks()).isEqualTo(8);

        try (BlockDevice fromSnapshot = engine.open("from-snap", true)) {
            assertThat(fromSnapshot.sizeBytes()).isEqualTo(16L * CHUNK);
            assertThat(read(fromSnapshot, 0, 8 * CHUNK)).containsOnly(7);
            assertThat(read(fromSnapshot, 8L * CHUNK, 8 * CHUNK)).containsOnly(0);
            fromSnapshot.write(0, filled(CHUNK, 8), false);
        }
        assertThat(read("clone", 0, CHUNK)).containsOnly(7);
        assertThat(read("snap", 0, CHUNK)).containsOnly(7);
        assertThat(engine.audit().referencedChunks()).isEqualTo(9);
    }

    @Test
    void revertReplacesTheContentAndDisconnectsOpenDevices() throws IOException {
        engine.createVolume("vol", 4L * CHUNK);
        write("vol", 0, filled(4 * CHUNK, 3));
        engine.createSnapshot("vol", "snap", fraction -> {});
        try (BlockDevice connected = engine.open("vol", true)) {
            connected.write(CHUNK, filled(2 * CHUNK, 4), false);
            connected.trim(3L * CHUNK, CHUNK, false);
            engine.revertToSnapshot("vol", "snap");
            assertThatThrownBy(() -> read(connected, 0, 1))
                    .isInstanceOfSatisfying(
                            EngineException.class, e -> assertThat(e.reason()).isEqualTo(EngineException.Reason.STALE));
        }
        assertThat(read("vol", 0, 4 * CHUNK)).containsOnly(3);
        assertThat(engine.audit().referencedChunks()).isEqualTo(4);
    }

    @Test
    void extendingAVolumeAddsZerosAndKeepsItsData() throws IOException {
        engine.createVolume("vol", CHUNK + 10);
        write("vol", CHUNK, filled(10, 5));
        engine.extendVolume("vol", 4L * CHUNK);
        engine.extendVolume("vol", 4L * CHUNK);
        assertThat(read("vol", CHUNK, 10)).containsOnly(5);
        assertThat(read("vol", CHUNK + 10, 3 * CHUNK - 10)).containsOnly(0);
    }

    @Test
    void deletesDropReferencesAndCollectionLeavesNothingStored() throws IOException {
        engine.createVolume("vol", 8L * CHUNK);
        write("vol", 0, filled(8 * CHUNK, 1));
        engine.createSnapshot("vol", "snap-1", fraction -> {});
        write("vol", 0, filled(4 * CHUNK, 2));
        engine.createSnapshot("vol", "snap-2", fraction -> {});
        engine.createVolumeFromSnapshot("copy", "vol", "snap-1", 8L * CHUNK);
        write("copy", 2L * CHUNK, filled(CHUNK, 3));

        engine.deleteSnapshot("vol", "snap-1", fraction -> {});
        assertThat(read("copy", 0, CHUNK)).containsOnly(1);
        engine.deleteVolume("vol");
        engine.deleteSnapshot("vol", "snap-2", fraction -> {});
        engine.deleteVolume("copy");
        engine.collect();

        LocalChunkEngine.Audit audit = engine.audit();
        assertThat(audit.referencedChunks()).isZero();
        assertThat(audit.orphanSlots()).isZero();
        assertThat(audit.memoryMatchesDisk()).isTrue();
        assertThat(Files.size(directory.resolve("chunks"))).isZero();
    }

    @Test
    void everyOperationCanRunAgainAfterItSucceeded() throws IOException {
        engine.createVolume("vol", 4L * CHUNK);
        engine.createVolume("vol", 4L * CHUNK);
        write("vol", 0, filled(CHUNK, 1));
        engine.createSnapshot("vol", "snap", fraction -> {});
        write("vol", 0, filled(CHUNK, 2));
        engine.createSnapshot("vol", "snap", fraction -> {}); // the first run's instant stands
        assertThat(read("snap", 0, CHUNK)).containsOnly(1);
        engine.createVolumeFromSnapshot("copy", "vol", "snap", 4L * CHUNK);
        engine.createVolumeFromSnapshot("copy", "vol", "snap", 4L * CHUNK);
        engine.cloneVolume("clone", "vol", 4L * CHUNK);
        engine.cloneVolume("clone", "vol", 4L * CHUNK);
        engine.revertToSnapshot("vol", "snap");
        engine.revertToSnapshot("vol", "snap");
        engine.deleteSnapshot("vol", "snap", fraction -> {});
        engine.deleteSnapshot("vol", "snap", fraction -> {});
        engine.deleteVolume("clone");
        engine.deleteVolume("clone");

        assertThat(read("vol", 0, CHUNK)).containsOnly(1);
        assertThat(read("copy", 0, CHUNK)).containsOnly(1);
        assertThat(engine.audit().memoryMatchesDisk()).isTrue();
        assertThat(engine.audit().referencedChunks()).isEqualTo(1);
    }

    @Test
    void snapshotProgressRisesToOne() throws IOException {
        engine.createVolume("vol", 64L * CHUNK);
        write("vol", 0, filled(64 * CHUNK, 1));
        List<Double> reports = new ArrayList<>();
        engine.createSnapshot("vol", "snap", reports::add);
        assertThat(reports).isSortedAccordingTo(Double::compare).last().isEqualTo(1.0);
    }

    @Test
    void flushedWritesSurviveACrashAndWhatWasNeverCommittedIsReclaimed() throws IOException {
        engine.createVolume("vol", 64L * CHUNK);
        try (BlockDevice device = engine.open("vol", true)) {
            device.write(0, filled(8 * CHUNK, 1), false);
            device.flush();
            device.write(8L * CHUNK, filled(8 * CHUNK, 2), false);
        }
        engine.abandon();
        engine = LocalChunkEngine.open(directory, CHUNK);

        assertThat(read("vol", 0, 8 * CHUNK)).containsOnly(1);
        byte[] unflushed = read("vol", 8L * CHUNK, 8 * CHUNK);
        assertThat(unflushed)
                .as("never flushed: either all lost or all kept")
                .satisfiesAnyOf(
                        bytes -> assertThat(bytes).containsOnly(0),
                        bytes -> assertThat(bytes).containsOnly(2));
        LocalChunkEngine.Audit audit = engine.audit();
        assertThat(audit.memoryMatchesDisk()).isTrue();
        assertThat(audit.orphanSlots()).isZero();
        assertThat(audit.dataFileSlots()).isEqualTo(audit.referencedChunks() + audit.freeSlots());
    }

    @Test
    void aTornJournalRecordIsDroppedWithoutLosingTheCommittedOnes() throws IOException {
        engine.createVolume("vol", 8L * CHUNK);
        try (BlockDevice device = engine.open("vol", true)) {
            device.write(0, filled(CHUNK, 1), true);
            device.write(CHUNK, filled(CHUNK, 2), true);
        }
        engine.abandon();
        try (FileChannel journal =
                FileChannel.open(directory.resolve("journal"), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            journal.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 5, 6}));
        }
        engine = LocalChunkEngine.open(directory, CHUNK);
        assertThat(read("vol", 0, CHUNK)).containsOnly(1);
        assertThat(read("vol", CHUNK, CHUNK)).containsOnly(2);
        write("vol", 2L * CHUNK, filled(CHUNK, 3));
        engine.abandon();
        engine = LocalChunkEngine.open(directory, CHUNK);
        assertThat(read("vol", 2L * CHUNK, CHUNK)).containsOnly(3);
        assertThat(engine.audit().memoryMatchesDisk()).isTrue();
    }

    @Test
    void aStoreKeepsTheChunkSizeItWasCreatedWith() throws IOException {
        engine.close();
        engine = LocalChunkEngine.open(directory, 1 << 20);
        assertThat(engine.chunkSize()).isEqualTo(CHUNK);
    }

    @Test
    void ioOutsideTheDeviceIsRefused() throws IOException {
        engine.createVolume("vol", 10_000);
        try (BlockDevice device = engine.open("vol", true)) {
            for (ThrowingRequest request : List.<ThrowingRequest>of(
                    () -> device.read(9_999, ByteBuffer.allocate(2)),
                    () -> device.write(10_000, ByteBuffer.allocate(1), false),
                    () -> device.trim(-1, 1, false),
                    () -> device.writeZeroes(0, Long.MAX_VALUE, false))) {
                assertThatThrownBy(request::run)
                        .isInstanceOfSatisfying(
                                EngineException.class,
                                e -> assertThat(e.reason()).isEqualTo(EngineException.Reason.OUT_OF_RANGE));
            }
            device.write(9_990, filled(10, 6), false);
            assertThat(read(device, 9_990, 10)).containsOnly(6);
        }
        assertThatThrownBy(() -> engine.open("../vol", false)).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> engine.createVolume("../escape", 1)).isInstanceOf(EngineException.class);
    }

    private interface ThrowingRequest {
        void run() throws IOException;
    }

    private void write(String id, long offset, ByteBuffer data) throws IOException {
        try (BlockDevice device = engine.open(id, true)) {
            device.write(offset, data, false);
            device.flush();
        }
    }

    private byte[] read(String id, long offset, int length) throws IOException {
        try (BlockDevice device = engine.open(id, false)) {
            return read(device, offset, length);
        }
    }

    private static byte[] read(BlockDevice device, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        device.read(offset, buffer);
        return buffer.array();
    }

    private static ByteBuffer filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return ByteBuffer.wrap(bytes);
    }
}
