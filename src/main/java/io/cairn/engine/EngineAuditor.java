package io.cairn.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Re-derives the maps and reference counts from the files alone, to check the live engine against them. */
final class EngineAuditor {
    record DiskState(Map<String, ChunkTable> maps, int[] refcounts) {}

    private EngineAuditor() {}

    static DiskState readDisk(Path root, int chunkSize) throws IOException {
        Map<String, ChunkTable> maps = new HashMap<>();
        Map<String, Long> fileLsns = new HashMap<>();
        for (ChunkMap.Kind kind : ChunkMap.Kind.values()) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(root.resolve("maps").resolve(kind.directory), "*" + MapFile.SUFFIX)) {
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

    static boolean sameEntries(ChunkTable onDisk, ChunkTable live) {
        if (onDisk == null || onDisk.mapped() != live.mapped()) {
            return false;
        }
        boolean[] same = {true};
        live.forEach((index, slot) -> same[0] &= onDisk.get(index) == slot);
        return same[0];
    }
}
