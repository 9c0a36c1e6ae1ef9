package io.cairn.engine;

import io.cairn.engine.ChunkMap.Kind;
import io.cairn.engine.StorageEngine.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The operations on whole maps behind {@link StorageEngine}: create, clone, extend, revert, snapshot and
 * delete. A snapshot or clone copies the source's table and takes a reference on every slot in it, so the
 * chunks are shared until a write copies one. Each operation runs with the maps it touches quiesced and the
 * engine's commit lock held, between two commits, and changes its map file before the change goes live.
 */
final class MapOperations {
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final LocalChunkEngine engine;

    MapOperations(LocalChunkEngine engine) {
        this.engine = engine;
    }

    @FunctionalInterface
    private interface MapOperation {
        void run() throws IOException;
    }

    private void structural(List<ChunkMap> quiesce, MapOperation operation) throws IOException {
        List<ChunkMap> ordered = quiesce.stream()
                .filter(Objects::nonNull)
                .distinct()
                .sorted(ChunkMap.LOCK_ORDER)
                .toList();
        ordered.forEach(m -> m.structure.writeLock().lock());
        try {
            engine.commitLock.lock();
            try {
                engine.requireOpen();
                for (ChunkMap map : ordered) {
                    if (map.deleted) {
                        throw new EngineException(
                                EngineException.Reason.NOT_FOUND, map.kind + " " + map.id + " was deleted meanwhile");
                    }
                }
                engine.commitLocked();
                operation.run();
                engine.commitLocked(); // makes the slots the operation released reusable
            } finally {
                engine.commitLock.unlock();
            }
        } finally {
            ordered.reversed().forEach(m -> m.structure.writeLock().unlock());
        }
    }

    void createVolume(String volumeId, long sizeBytes) throws IOException {
        requireId(volumeId);
        requireSize(sizeBytes);
        ChunkMap existing = engine.volumes.get(volumeId);
        structural(
                listOf(existing),
                () -> install(
                        Kind.VOLUME, volumeId, sizeBytes, new ChunkTable(engine.chunkCount(sizeBytes)), existing));
    }

    /** Makes {@code volumeId} a volume sharing the chunks of {@code source}, a volume or a snapshot. */
    void copyVolume(String volumeId, Kind sourceKind, String sourceId, long sizeBytes) throws IOException {
        requireId(volumeId);
        requireSize(sizeBytes);
        ChunkMap source = require(sourceKind, sourceId);
        ChunkMap existing = engine.volumes.get(volumeId);
        structural(listOf(existing, source), () -> {
            long size = Math.max(sizeBytes, source.sizeBytes);
            ChunkTable table = lockedCopy(source, engine.chunkCount(size));
            install(Kind.VOLUME, volumeId, size, table, existing);
        });
    }

    void extendVolume(String volumeId, long newSizeBytes) throws IOException {
        requireSize(newSizeBytes);
        ChunkMap volume = require(Kind.VOLUME, volumeId);
        structural(List.of(volume), () -> {
            if (newSizeBytes <= volume.sizeBytes) {
                return; // already this size: a rerun
            }
            ChunkTable table = lockedCopy(volume, engine.chunkCount(newSizeBytes));
            long lsn = engine.nextLsnLocked();
            MapFile.write(engine.mapFile(Kind.VOLUME, volumeId), newSizeBytes, lsn, table, written -> {});
            volume.mutex.lock();
            try {
                volume.table.grow(engine.chunkCount(newSizeBytes));
                volume.sizeBytes = newSizeBytes;
            } finally {
                volume.mutex.unlock();
            }
            volume.fileLsn = lsn;
            volume.journaledSinceFile = false;
        });
    }

    void revertToSnapshot(String volumeId, String snapshotId) throws IOException {
        ChunkMap volume = require(Kind.VOLUME, volumeId);
        ChunkMap snapshot = require(Kind.SNAPSHOT, snapshotId);
        structural(List.of(volume, snapshot), () -> {
            long size = Math.max(volume.sizeBytes, snapshot.sizeBytes);
            ChunkTable table = lockedCopy(snapshot, engine.chunkCount(size));
            long lsn = engine.nextLsnLocked();
            MapFile.write(engine.mapFile(Kind.VOLUME, volumeId), size, lsn, table, written -> {});
            engine.slots.retainAll(table);
            ChunkTable old;
            volume.mutex.lock();
            try {
                old = volume.table;
                volume.table = table;
                volume.unjournaled.clear();
                volume.sizeBytes = size;
                volume.generation++; // writers that were connected must reopen and see the reverted content
            } finally {
                volume.mutex.unlock();
            }
            engine.slots.releaseAll(old);
            volume.fileLsn = lsn;
            volume.journaledSinceFile = false;
        });
    }

    void createSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException {
        requireId(snapshotId);
        if (!engine.snapshots.containsKey(snapshotId)) {
            ChunkMap volume = require(Kind.VOLUME, volumeId);
            structural(List.of(volume), () -> {
                if (engine.snapshots.containsKey(snapshotId)) {
                    return;
                }
                ChunkTable table = lockedCopy(volume, 0);
                ThrottledProgress reporter = new ThrottledProgress(progress, table.mapped());
                long lsn = engine.nextLsnLocked();
                MapFile.write(
                        engine.mapFile(Kind.SNAPSHOT, snapshotId), volume.sizeBytes, lsn, table, reporter::entriesDone);
                engine.slots.retainAll(table);
                ChunkMap snapshot = new ChunkMap(snapshotId, Kind.SNAPSHOT, volume.sizeBytes, table);
                snapshot.fileLsn = lsn;
                engine.snapshots.put(snapshotId, snapshot);
            });
        }
        progress.update(1.0);
    }

    void delete(Kind kind, String id) throws IOException {
        requireId(id);
        ChunkMap map = registry(kind).get(id);
        if (map == null) {
            return; // already gone: a rerun
        }
        structural(List.of(map), () -> {
            Files.deleteIfExists(engine.mapFile(kind, id));
            MapFile.syncDirectory(engine.mapFile(kind, id).getParent());
            registry(kind).remove(id, map);
            retire(map);
        });
    }

    /** Writes a new map file, then makes the map live, replacing (and releasing) any map it supersedes. */
    private void install(Kind kind, String id, long sizeBytes, ChunkTable table, ChunkMap replaced) throws IOException {
        long lsn = engine.nextLsnLocked();
        MapFile.write(engine.mapFile(kind, id), sizeBytes, lsn, table, written -> {});
        engine.slots.retainAll(table);
        ChunkMap map = new ChunkMap(id, kind, sizeBytes, table);
        map.fileLsn = lsn;
        if (replaced != null) {
            retire(replaced);
        }
        registry(kind).put(id, map);
    }

    private void retire(ChunkMap map) {
        ChunkTable table;
        map.mutex.lock();
        try {
            map.deleted = true;
            map.generation++;
            table = map.table;
            map.table = new ChunkTable(0);
            map.unjournaled.clear();
        } finally {
            map.mutex.unlock();
        }
        engine.slots.releaseAll(table);
    }

    private static ChunkTable lockedCopy(ChunkMap map, long chunkCount) {
        map.mutex.lock();
        try {
            return map.table.copy(chunkCount);
        } finally {
            map.mutex.unlock();
        }
    }

    private Map<String, ChunkMap> registry(Kind kind) {
        return switch (kind) {
            case VOLUME -> engine.volumes;
            case SNAPSHOT -> engine.snapshots;
        };
    }

    private ChunkMap require(Kind kind, String id) throws EngineException {
        requireId(id);
        ChunkMap map = registry(kind).get(id);
        if (map == null) {
            throw new EngineException(
                    EngineException.Reason.NOT_FOUND, "no " + kind.name().toLowerCase(Locale.ROOT) + " " + id);
        }
        return map;
    }

    private static void requireId(String id) throws EngineException {
        if (id == null || !VALID_ID.matcher(id).matches()) {
            throw new EngineException(EngineException.Reason.INVALID_ID, "not a valid volume or snapshot id: " + id);
        }
    }

    private static void requireSize(long sizeBytes) {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("negative size " + sizeBytes);
        }
    }

    private static List<ChunkMap> listOf(ChunkMap... maps) {
        return Arrays.stream(maps).filter(Objects::nonNull).toList();
    }

    /** Reports progress at most every 200 ms, so a fast snapshot does not spend its time on reports. */
    private static final class ThrottledProgress {
        private final Progress progress;
        private final long total;
        private long lastReport = System.nanoTime();

        ThrottledProgress(Progress progress, long total) {
            this.progress = progress;
            this.total = Math.max(1, total);
        }

        void entriesDone(long entries) {
            long now = System.nanoTime();
            if (now - lastReport >= 200_000_000L && entries < total) {
                lastReport = now;
                progress.update((double) entries / total);
            }
        }
    }
}
