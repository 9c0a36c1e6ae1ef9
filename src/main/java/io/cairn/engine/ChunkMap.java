package io.cairn.engine;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A volume's or snapshot's map from chunk index to chunk id. Chunks never written are absent and read as
 * zeros. The file is replaced atomically (write aside, fsync, rename, fsync the directory), so a crash
 * leaves either the old map or the new one.
 */
public record ChunkMap(long sizeBytes, NavigableMap<Long, String> chunks) {
    private static final int MAGIC = 0x43414d31; // "CAM1"

    public ChunkMap {
        chunks = Collections.unmodifiableNavigableMap(new TreeMap<>(chunks));
    }

    public static ChunkMap empty(long sizeBytes) {
        return new ChunkMap(sizeBytes, new TreeMap<>());
    }

    public static ChunkMap read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a chunk map: " + file);
            }
            long size = in.readLong();
            int count = in.readInt();
            TreeMap<Long, String> chunks = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                chunks.put(in.readLong(), in.readUTF());
            }
            return new ChunkMap(size, chunks);
        }
    }

    public void write(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeLong(sizeBytes);
            out.writeInt(chunks.size());
            for (Map.Entry<Long, String> chunk : chunks.entrySet()) {
                out.writeLong(chunk.getKey());
                out.writeUTF(chunk.getValue());
            }
        }
        Path aside = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(bytes.toByteArray()));
            channel.force(true);
        }
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
