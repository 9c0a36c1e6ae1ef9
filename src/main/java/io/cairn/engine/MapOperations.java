package io.cairn.engine;

import io.cairn.engine.ChunkMap.Kind;
import io.cairn.engine.StorageEngine.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
        copy(sourceKind, List.of(new StorageEngine.Clone(volumeId, sourceId, sizeBytes)));
    }

    /** Copies every source volume into its clone in one structural operation: the copies share one instant. */
    void copyVolumes(List<StorageEngine.Clone> clones) throws IOException {
        copy(Kind.VOLUME, clones);
    }

    private void copy(Kind sourceKind, List<StorageEngine.Clone> clones) throws IOException {
        Map<String, ChunkMap> sources = new TreeMap<>();
        List<ChunkMap> quiesce = new ArrayList<>();
        for (StorageEngine.Clone clone : clones) {
            requireId(clone.volumeId());
            requireSize(clone.sizeBytes());
            ChunkMap source = require(sourceKind, clone.sourceVolumeId());
            sources.put(clone.volumeId(), source);
            quiesce.add(source);
            quiesce.add(engine.volumes.get(clone.volumeId()));
        }
        structural(quiesce, () -> {
            // Every table is cut before the first map file is written, which takes time.
            Map<String, ChunkTable> cut = new TreeMap<>();
            Map<String, Long> sizes = new TreeMap<>();
            for (StorageEngine.Clone clone : clones) {
                ChunkMap source = sources.get(clone.volumeId());
                long size = Math.max(clone.sizeBytes(), source.sizeBytes);
                sizes.put(clone.volumeId(), size);
                cut.put(clone.volumeId(), lockedCopy(source, engine.chunkCount(size)));
            }
            for (String volumeId : cut.keySet()) {
                install(Kind.VOLUME, volumeId, sizes.get(volumeId), cut.get(volumeId), engine.volumes.get(volumeId));
            }
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
        structural(List.of(volume, snapshot), () -> revertLocked(volume, snapshot));
    }

    /**
     * Reverts every volume to its snapshot in one structural operation: no write reaches any of them between the
     * first revert and the last. The map files are written one by one, so a crash may leave some reverted; a rerun
     * reverts them all again (a revert is idempotent).
     */
    void revertGroup(Map<String, String> snapshotIdsByVolume) throws IOException {
        List<ChunkMap[]> pairs = new ArrayList<>();
        List<ChunkMap> quiesce = new ArrayList<>();
        for (Map.Entry<String, String> member : new TreeMap<>(snapshotIdsByVolume).entrySet()) {
            ChunkMap volume = require(Kind.VOLUME, member.getKey());
            ChunkMap snapshot = require(Kind.SNAPSHOT, member.getValue());
            pairs.add(new ChunkMap[] {volume, snapshot});
            quiesce.add(volume);
            quiesce.add(snapshot);
        }
        structural(quiesce, () -> {
            for (ChunkMap[] pair : pairs) {
                revertLocked(pair[0], pair[1]);
            }
        });
    }

    private void revertLocked(ChunkMap volume, ChunkMap snapshot) throws IOException {
        long size = Math.max(volume.sizeBytes, snapshot.sizeBytes);
        ChunkTable table = lockedCopy(snapshot, engine.chunkCount(size));
        long lsn = engine.nextLsnLocked();
        MapFile.write(engine.mapFile(Kind.VOLUME, volume.id), size, lsn, table, written -> {});
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
                freeze(volume, snapshotId, table, reporter::entriesDone);
            });
        }
        progress.update(1.0);
    }

    /**
     * Snapshots every volume at one instant: all the volumes are quiesced together and their tables copied before
     * any map file is written, so the snapshots hold exactly the writes completed before the operation. A rerun
     * keeps a complete set; a partial one (a crash between two map files) is dropped and taken again whole.
     */
    void createGroupSnapshot(Map<String, String> snapshotIdsByVolume) throws IOException {
        for (String snapshotId : snapshotIdsByVolume.values()) {
            requireId(snapshotId);
        }
        if (snapshotIdsByVolume.values().stream().allMatch(engine.snapshots::containsKey)) {
            return;
        }
        Map<String, ChunkMap> volumes = new TreeMap<>();
        for (String volumeId : snapshotIdsByVolume.keySet()) {
            volumes.put(volumeId, require(Kind.VOLUME, volumeId));
        }
        List<ChunkMap> quiesce = new ArrayList<>(volumes.values());
        snapshotIdsByVolume.values().stream()
                .map(engine.snapshots::get)
                .filter(Objects::nonNull)
                .forEach(quiesce::add);
        structural(quiesce, () -> {
            if (snapshotIdsByVolume.values().stream().allMatch(engine.snapshots::containsKey)) {
                return;
            }
            for (String snapshotId : snapshotIdsByVolume.values()) {
                ChunkMap partial = engine.snapshots.get(snapshotId);
                if (partial != null) {
                    removeLocked(Kind.SNAPSHOT, partial);
                }
            }
            Map<String, ChunkTable> cut = new TreeMap<>();
            volumes.forEach((volumeId, volume) -> cut.put(volumeId, lockedCopy(volume, 0)));
            for (Map.Entry<String, ChunkTable> member : cut.entrySet()) {
                freeze(
                        volumes.get(member.getKey()),
                        snapshotIdsByVolume.get(member.getKey()),
                        member.getValue(),
                        e -> {});
            }
        });
    }

    /** Writes a snapshot's map file from a table copied under the volume's quiesce, then makes it live. */
    private void freeze(ChunkMap volume, String snapshotId, ChunkTable table, MapFile.WriteProgress written)
            throws IOException {
        long lsn = engine.nextLsnLocked();
        MapFile.write(engine.mapFile(Kind.SNAPSHOT, snapshotId), volume.sizeBytes, lsn, table, written);
        engine.slots.retainAll(table);
        ChunkMap snapshot = new ChunkMap(snapshotId, Kind.SNAPSHOT, volume.sizeBytes, table);
        snapshot.fileLsn = lsn;
        engine.snapshots.put(snapshotId, snapshot);
    }

    void delete(Kind kind, String id) throws IOException {
        requireId(id);
        ChunkMap map = registry(kind).get(id);
        if (map == null) {
            return; // already gone: a rerun
        }
        structural(List.of(map), () -> removeLocked(kind, map));
    }

    private void removeLocked(Kind kind, ChunkMap map) throws IOException {
        Files.deleteIfExists(engine.mapFile(kind, map.id));
        MapFile.syncDirectory(engine.mapFile(kind, map.id).getParent());
        registry(kind).remove(map.id, map);
        retire(map);
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
