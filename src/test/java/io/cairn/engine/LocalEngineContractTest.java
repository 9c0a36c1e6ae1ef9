package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalEngineContractTest extends StorageEngineContract {
    @TempDir
    Path directory;

    @Override
    protected Engine openEngine() throws IOException {
        return LocalChunkEngine.open(directory, LocalChunkEngine.DEFAULT_CHUNK_SIZE);
    }

    @Test
    void aVolumeMadeFromASnapshotComparesWithThatSnapshot() throws IOException {
        String source = id();
        String snapshot = id();
        String copy = id();
        engine.createVolume(source, 4 * MIB);
        write(source, 0, filled((int) MIB, 1));
        engine.createSnapshot(source, snapshot, fraction -> {});
        engine.createVolumeFromSnapshot(copy, source, snapshot, 4 * MIB);
        write(copy, 2 * MIB + 10, filled(100, 2));
        // It shares the snapshot's chunks: only what it wrote since differs.
        assertThat(engine.changedExtents(copy, Optional.empty(), Optional.of(snapshot)))
                .containsExactly(new StorageEngine.Extent(2 * MIB, LocalChunkEngine.DEFAULT_CHUNK_SIZE));
    }

    @Test
    void theLastExtentEndsWithTheVolume() throws IOException {
        String volume = id();
        long size = 3 * LocalChunkEngine.DEFAULT_CHUNK_SIZE + 1000;
        engine.createVolume(volume, size);
        write(volume, size - 1, filled(1, 3));
        write(volume, 2 * LocalChunkEngine.DEFAULT_CHUNK_SIZE - 1, filled(2, 4));
        assertThat(engine.changedExtents(volume, Optional.empty(), Optional.empty()))
                .containsExactly(new StorageEngine.Extent(
                        LocalChunkEngine.DEFAULT_CHUNK_SIZE, size - LocalChunkEngine.DEFAULT_CHUNK_SIZE));
    }

    @Test
    void theVolumesChangesWhileWritesGoOnAreThoseOfOneInstant() throws Exception {
        String volume = id();
        String snapshot = id();
        int chunk = LocalChunkEngine.DEFAULT_CHUNK_SIZE;
        int pairs = 16;
        engine.createVolume(volume, 2L * pairs * chunk);
        engine.createSnapshot(volume, snapshot, fraction -> {});
        AtomicBoolean done = new AtomicBoolean();
        // Each write and each trim covers two chunks, so at any instant the chunks that differ come in pairs.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (BlockDevice device = open(volume)) {
                while (!done.get()) {
                    for (int k = 0; k < pairs; k++) {
                        device.write(2L * k * chunk, filled(2 * chunk, k + 1), false);
                    }
                    for (int k = 0; k < pairs; k++) {
                        device.trim(2L * k * chunk, 2L * chunk, false);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            for (int i = 0; i < 2_000 && !writer.isDone(); i++) {
                List<StorageEngine.Extent> extents =
                        engine.changedExtents(volume, Optional.empty(), Optional.of(snapshot));
                long chunks =
                        extents.stream().mapToLong(StorageEngine.Extent::length).sum() / chunk;
                assertThat(chunks % 2)
                        .as("no write or trim half-done: %s", extents)
                        .isZero();
            }
        } finally {
            done.set(true);
        }
        writer.join();
    }

    /** Changes are whole chunks. */
    @Override
    protected long granularity() {
        return LocalChunkEngine.DEFAULT_CHUNK_SIZE;
    }
}
