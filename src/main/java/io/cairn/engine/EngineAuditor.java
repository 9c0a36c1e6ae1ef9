package io.cairn.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Re-derives the maps and reference counts from the files alone, to check the live engine against them. */
final class EngineAuditor {
    private record DiskState(Map<String, ChunkTable> maps, int[] refcounts) {}

    private EngineAuditor() {}

    /** The caller holds the engine's commit lock and has just committed, so the files are up to date. */
    static LocalChunkEngine.Audit audit(LocalChunkEngine engine) throws IOException {
        DiskState disk = readDisk(engine.root, engine.chunkSize);
        List<ChunkMap> live = new ArrayList<>(engine.volumes.values());
        live.addAll(engine.snapshots.values());
        boolean mapsMatch = disk.maps().size() == live.size();
        for (ChunkMap map : live) {
            map.mutex.lock();
            try {
                mapsMatch &= sameEntries(disk.maps().get(map.kind + "/" + map.id), map.table);
            } finally {
                map.mutex.unlock();
            }
        }
        int[] memory = engine.slots.refcountsCopy();
        int[] fromDisk = Arrays.copyOf(disk.refcounts(), Math.max(memory.length, disk.refcounts().length));
        boolean refcountsMatch = Arrays.equals(Arrays.copyOf(memory, fromDisk.length), fromDisk);
        long referenced = Arrays.stream(fromDisk).filter(count -> count > 0).count();
        SlotAllocator.Counts counts = engine.slots.counts();
        long fileSlots = (engine.data.size() + engine.chunkSize - 1) / engine.chunkSize;
        long orphans = counts.highWater() - referenced - counts.free();
        return new LocalChunkEngine.Audit(
                engine.volumes.size(),
                engine.snapshots.size(),
                referenced,
                counts.free(),
                fileSlots,
                orphans,
                mapsMatch && refcountsMatch);
    }

    private static DiskState readDisk(Path root, int chunkSize) throws IOException {
        Map<String, ChunkTable> maps = new HashMap<>();
        Map<String, Long> fileLsns = new HashMap<>();
        for (ChunkMap.Kind kind : ChunkMap.Kind.values()) {
            try (DirectoryStream<Path> files =
                    Files.newDirectoryStream(root.resolve("maps").resolve(kind.directory), "*" + MapFile.SUFFIX)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    String key = kind + "/" + name.substring(0, name.length() - MapFile.SUFFIX.length());
                    MapFile.Contents contents = MapFile.read(file, chunkSize);
                    maps.put(key, contents.table());
                    fileLsns.put(key, contents.lsn());
                }
            }
        }
        List<Journal.Record> records = Journal.read(root.resolve("journal"));
        for (Journal.Record record : records) {
            String key = ChunkMap.Kind.VOLUME + "/" + record.mapId();
            ChunkTable table = maps.get(key);
            if (table != null && record.lsn() > fileLsns.get(key)) {
                for (int i = 0; i < record.indexes().length; i++) {
                    if (record.slots()[i] == ChunkTable.ABSENT) {
                        table.remove(record.indexes()[i]);
                    } else {
                        table.put(record.indexes()[i], record.slots()[i]);
                    }
                }
            }
        }
        int[][] refcounts = {new int[16]};
        for (ChunkTable table : maps.values()) {
            table.forEach((index, slot) -> {
                if (slot >= refcounts[0].length) {
                    refcounts[0] = Arrays.copyOf(refcounts[0], (int) Math.max(slot + 1, refcounts[0].length * 2L));
                }
                refcounts[0][(int) slot]++;
            });
        }
        return new DiskState(maps, refcounts[0]);
    }

    private static boolean sameEntries(ChunkTable onDisk, ChunkTable live) {
        if (onDisk == null || onDisk.mapped() != live.mapped()) {
            return false;
        }
        boolean[] same = {true};
        live.forEach((index, slot) -> same[0] &= onDisk.get(index) == slot);
        return same[0];
    }
}
