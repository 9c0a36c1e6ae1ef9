package io.cairn.engine;

import io.cairn.engine.ChunkMap.Kind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recovery pass run when the engine opens. It trusts only what commits made durable: the map files, then
 * the journal records newer than each file. Reference counts are recomputed from the maps, the data file is
 * cut after the last referenced slot, and every slot no map references is free, so nothing a crash left
 * half-done leaks.
 */
final class EngineRecovery {
    /** The engine's state as the files hold it; {@code replayed} counts the intact journal records read back. */
    record Recovered(
            int chunkSize,
            FileChannel data,
            Journal journal,
            SlotAllocator slots,
            Map<String, ChunkMap> volumes,
            Map<String, ChunkMap> snapshots,
            long lastLsn,
            int replayed) {}

    private EngineRecovery() {}

    /** Creates the store's layout when it is new; an existing store keeps the chunk size it was created with. */
    static Recovered run(Path root, int chunkSize) throws IOException {
        Files.createDirectories(root.resolve("maps").resolve(Kind.VOLUME.directory));
        Files.createDirectories(root.resolve("maps").resolve(Kind.SNAPSHOT.directory));
        int effectiveChunkSize = EngineFormat.readOrCreate(root.resolve("format"), chunkSize);
        Map<String, ChunkMap> volumes = new ConcurrentHashMap<>();
        Map<String, ChunkMap> snapshots = new ConcurrentHashMap<>();
        long lastLsn = loadMaps(root, Kind.VOLUME, effectiveChunkSize, volumes);
        lastLsn = Math.max(lastLsn, loadMaps(root, Kind.SNAPSHOT, effectiveChunkSize, snapshots));

        Journal journal = Journal.open(root.resolve("journal"), lastLsn);
        lastLsn = Math.max(lastLsn, journal.baseLsn());
        List<Journal.Record> records = journal.replay();
        for (Journal.Record record : records) {
            lastLsn = Math.max(lastLsn, record.lsn());
            ChunkMap map = volumes.get(record.mapId());
            if (map != null && record.lsn() > map.fileLsn) {
                apply(map.table, record);
                map.journaledSinceFile = true;
            }
        }

        long maxSlot = -1;
        int[] refcounts = new int[16];
        for (Map<String, ChunkMap> registry : List.of(volumes, snapshots)) {
            for (ChunkMap map : registry.values()) {
                long[] highest = {maxSlot};
                int[][] counts = {refcounts};
                map.table.forEach((index, slot) -> {
                    if (slot >= counts[0].length) {
                        counts[0] = Arrays.copyOf(counts[0], (int) Math.max(slot + 1, counts[0].length * 2L));
                    }
                    counts[0][(int) slot]++;
                    highest[0] = Math.max(highest[0], slot);
                });
                maxSlot = highest[0];
                refcounts = counts[0];
            }
        }
        FileChannel data = FileChannel.open(
                root.resolve("chunks"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long referencedBytes = (maxSlot + 1) * effectiveChunkSize;
        if (data.size() > referencedBytes) {
            // Chunks past the last referenced slot were written but never committed: reclaim them.
            data.truncate(referencedBytes);
            data.force(true);
        }
        long highWater = Math.max(maxSlot + 1, (data.size() + effectiveChunkSize - 1) / effectiveChunkSize);
        return new Recovered(
                effectiveChunkSize,
                data,
                journal,
                new SlotAllocator(refcounts, highWater),
                volumes,
                snapshots,
                lastLsn,
                records.size());
    }

    private static long loadMaps(Path root, Kind kind, int chunkSize, Map<String, ChunkMap> into) throws IOException {
        long lastLsn = 0;
        Path directory = root.resolve("maps").resolve(kind.directory);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.delete(file); // an atomic replacement the crash interrupted; the old map still stands
                } else if (name.endsWith(MapFile.SUFFIX)) {
                    MapFile.Contents contents = MapFile.read(file, chunkSize);
                    String id = name.substring(0, name.length() - MapFile.SUFFIX.length());
                    ChunkMap map = new ChunkMap(id, kind, contents.sizeBytes(), contents.table());
                    map.fileLsn = contents.lsn();
                    into.put(id, map);
                    lastLsn = Math.max(lastLsn, contents.lsn());
                }
            }
        }
        return lastLsn;
    }

    private static void apply(ChunkTable table, Journal.Record record) {
        for (int i = 0; i < record.indexes().length; i++) {
            long index = record.indexes()[i];
            if (index >= table.chunkCount()) {
                continue;
            }
            if (record.slots()[i] == ChunkTable.ABSENT) {
                table.remove(index);
            } else {
                table.put(index, record.slots()[i]);
            }
        }
    }
}
