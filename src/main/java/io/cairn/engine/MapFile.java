package io.cairn.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The on-disk form of one map: size, the journal position it includes ({@code lsn}), and its entries,
 * followed by a checksum. A file is replaced atomically (write aside, fsync, rename, fsync the directory),
 * so a crash leaves either the old map or the new one, never a mix.
 */
final class MapFile {
    private static final int MAGIC = 0x43414d32; // "CAM2"
    static final String SUFFIX = ".map";

    record Contents(long sizeBytes, long lsn, ChunkTable table) {}

    /** Receives the number of entries written so far, for progress reports. */
    @FunctionalInterface
    interface WriteProgress {
        void written(long entries);
    }

    private MapFile() {}

    static Contents read(Path file, int chunkSize) throws IOException {
        CRC32C crc = new CRC32C();
        try (CheckedInputStream checked =
                        new CheckedInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), crc);
                DataInputStream in = new DataInputStream(checked)) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a chunk map: " + file);
            }
            long size = in.readLong();
            long lsn = in.readLong();
            long count = in.readLong();
            ChunkTable table = new ChunkTable(chunkCount(size, chunkSize));
            for (long i = 0; i < count; i++) {
                long index = in.readLong();
                long slot = in.readLong();
                if (index < 0 || index >= table.chunkCount() || slot < 0) {
                    throw new IOException("chunk map " + file + " has an entry out of range: " + index + " -> " + slot);
                }
                table.put(index, slot);
            }
            int expected = (int) crc.getValue();
            if (in.readInt() != expected) {
                throw new IOException("chunk map " + file + " fails its checksum");
            }
            return new Contents(size, lsn, table);
        }
    }

    static void write(Path file, long sizeBytes, long lsn, ChunkTable table, WriteProgress progress)
            throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            CRC32C crc = new CRC32C();
            OutputStream raw = Channels.newOutputStream(channel);
            DataOutputStream out =
                    new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
            out.writeInt(MAGIC);
            out.writeLong(sizeBytes);
            out.writeLong(lsn);
            out.writeLong(table.mapped());
            long[] written = {0};
            table.forEach((index, slot) -> {
                out.writeLong(index);
                out.writeLong(slot);
                if ((++written[0] & 0xfff) == 0) {
                    progress.written(written[0]);
                }
            });
            out.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
            channel.force(true);
        }
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
        progress.written(table.mapped());
    }

    static long chunkCount(long sizeBytes, int chunkSize) {
        return (sizeBytes + chunkSize - 1) / chunkSize;
    }

    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
