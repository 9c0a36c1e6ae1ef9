package io.cairn.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The engine on a local directory: one chunk map file per volume and per snapshot under
 * {@code <data-dir>/maps}. A snapshot copies the volume's map, so it shares every chunk the volume has.
 */
public final class LocalChunkEngine implements StorageEngine {
    private final Path volumes;
    private final Path snapshots;

    public LocalChunkEngine(Path dataDir) throws IOException {
        this.volumes = Files.createDirectories(dataDir.resolve("maps").resolve("volumes"));
        this.snapshots = Files.createDirectories(dataDir.resolve("maps").resolve("snapshots"));
    }

    @Override
    public void createVolume(String volumeId, long sizeBytes) throws IOException {
        ChunkMap.empty(sizeBytes).write(volumeMap(volumeId));
    }

    @Override
    public void createSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException {
        Path source = volumeMap(volumeId);
        if (!Files.exists(source)) {
            throw new IOException("volume " + volumeId + " has no map");
        }
        ChunkMap.read(source).write(snapshotMap(snapshotId));
        progress.update(1.0);
    }

    @Override
    public void deleteSnapshot(String snapshotId) throws IOException {
        Files.deleteIfExists(snapshotMap(snapshotId));
    }

    @Override
    public void deleteVolume(String volumeId) throws IOException {
        Files.deleteIfExists(volumeMap(volumeId));
    }

    Path volumeMap(String volumeId) {
        return volumes.resolve(volumeId + ".map");
    }

    Path snapshotMap(String snapshotId) {
        return snapshots.resolve(snapshotId + ".map");
    }
}
