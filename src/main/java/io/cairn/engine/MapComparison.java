package io.cairn.engine;

import static java.util.Objects.requireNonNull;

import io.cairn.engine.ChunkMap.Kind;
import io.cairn.engine.StorageEngine.Extent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;

/**
 * The changed extents of {@link LocalChunkEngine}: where one map may differ from another. Two maps hold the same
 * bytes in a chunk when they map it to the same slot, because a shared slot is copied before it is written (and is
 * never reused while a map still holds it); so the comparison reads the tables alone, never the data.
 */
final class MapComparison {
    private final LocalChunkEngine engine;

    MapComparison(LocalChunkEngine engine) {
        this.engine = requireNonNull(engine, "engine is null");
    }

    List<Extent> changedExtents(String volumeId, Optional<String> snapshotId, Optional<String> fromSnapshotId)
            throws IOException {
        ChunkMap volume = require(engine.volumes, Kind.VOLUME, volumeId);
        ChunkMap newer = snapshotId.isPresent() ? require(engine.snapshots, Kind.SNAPSHOT, snapshotId.get()) : volume;
        Optional<ChunkMap> older = Optional.empty();
        if (fromSnapshotId.isPresent()) {
            older = Optional.of(require(engine.snapshots, Kind.SNAPSHOT, fromSnapshotId.get()));
        }
        List<ChunkMap> compared = Stream.concat(Stream.of(newer), older.stream())
                .distinct()
                .sorted(ChunkMap.LOCK_ORDER)
                .toList();
        // A volume is held as a snapshot holds it, so the comparison sees no write half-done and answers for one
        // instant while writes go on; a snapshot, never written, is only kept from being deleted meanwhile.
        List<Lock> locks = compared.stream()
                .<Lock>map(map -> map.kind == Kind.VOLUME ? map.structure.writeLock() : map.structure.readLock())
                .toList();
        locks.forEach(Lock::lock);
        try {
            engine.requireOpen();
            for (ChunkMap map : compared) {
                if (map.deleted) {
                    throw new EngineException(
                            EngineException.Reason.NOT_FOUND, map.kind + " " + map.id + " was deleted meanwhile");
                }
            }
            ChunkTable olderTable = older.isPresent() ? table(older.get()) : new ChunkTable(0);
            return differences(
                    table(newer),
                    newer.sizeBytes,
                    olderTable,
                    older.map(map -> map.sizeBytes).orElse(0L));
        } finally {
            locks.reversed().forEach(Lock::unlock);
        }
    }

    /**
     * The chunks of {@code newer} whose slot is not {@code older}'s, and those holding data past the end of
     * {@code older} (the volume grew since): its whole chunks, merged where they touch, the last one cut at the size.
     */
    private List<Extent> differences(ChunkTable newer, long newerSize, ChunkTable older, long olderSize) {
        long chunkSize = engine.chunkSize;
        ChunkRuns runs = new ChunkRuns(chunkSize, newerSize);
        newer.forEachMappedInEither(older, engine.chunkCount(newerSize), (index, slot, olderSlot) -> {
            long end = Math.min((index + 1) * chunkSize, newerSize);
            if (slot != olderSlot || (slot != ChunkTable.ABSENT && end > olderSize)) {
                runs.add(index);
            }
        });
        return runs.extents();
    }

    /**
     * The table as it stands: the structure lock the caller holds keeps it from changing, so the mutex is taken only
     * to read the field, and commits are not held up by the comparison.
     */
    private static ChunkTable table(ChunkMap map) {
        map.mutex.lock();
        try {
            return map.table;
        } finally {
            map.mutex.unlock();
        }
    }

    private static ChunkMap require(Map<String, ChunkMap> registry, Kind kind, String id) throws EngineException {
        ChunkMap map = registry.get(id);
        if (map == null) {
            throw new EngineException(
                    EngineException.Reason.NOT_FOUND, "no " + kind.name().toLowerCase(Locale.ROOT) + " " + id);
        }
        return map;
    }

    /** Chunk indexes, given in ascending order, gathered into byte extents of whole chunks. */
    private static final class ChunkRuns {
        private final long chunkSize;
        private final long sizeBytes;
        private final List<Extent> extents = new ArrayList<>();
        /** The run being gathered, chunks {@code start} to {@code end} exclusive; empty while both are equal. */
        private long start;

        private long end;

        ChunkRuns(long chunkSize, long sizeBytes) {
            this.chunkSize = chunkSize;
            this.sizeBytes = sizeBytes;
        }

        void add(long index) {
            if (index != end) {
                finishRun();
                start = index;
            }
            end = index + 1;
        }

        List<Extent> extents() {
            finishRun();
            return List.copyOf(extents);
        }

        private void finishRun() {
            if (end > start) {
                long offset = start * chunkSize;
                extents.add(new Extent(offset, Math.min(end * chunkSize, sizeBytes) - offset));
            }
            start = end;
        }
    }
}
