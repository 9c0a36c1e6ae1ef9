package io.cairn.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store's fixed parameters, written once when the store is created: chunks cannot change size later. */
final class EngineFormat {
    private static final Logger LOG = LoggerFactory.getLogger(EngineFormat.class);
    private static final String CHUNK_SIZE = "chunk-size";

    private EngineFormat() {}

    static int readOrCreate(Path file, int requestedChunkSize) throws IOException {
        requireValidChunkSize(requestedChunkSize);
        if (Files.exists(file)) {
            Properties properties = new Properties();
            try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            int stored;
            try {
                stored = Integer.parseInt(properties.getProperty(CHUNK_SIZE, ""));
                requireValidChunkSize(stored);
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt engine format file " + file + ": " + e.getMessage());
            }
            if (stored != requestedChunkSize) {
                LOG.warn(
                        "the chunk store at {} was created with chunk size {}; keeping it (chunk-size {} applies to new stores only)",
                        file.getParent(),
                        stored,
                        requestedChunkSize);
            }
            return stored;
        }
        Path aside = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(aside, CHUNK_SIZE + "=" + requestedChunkSize + "\n", StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(aside, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MapFile.syncDirectory(file.getParent());
        return requestedChunkSize;
    }

    /** A power of two between {@link LocalChunkEngine#MIN_CHUNK_SIZE} and {@link LocalChunkEngine#MAX_CHUNK_SIZE}. */
    static void requireValidChunkSize(int chunkSize) {
        if (Integer.bitCount(chunkSize) != 1
                || chunkSize < LocalChunkEngine.MIN_CHUNK_SIZE
                || chunkSize > LocalChunkEngine.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is not a power of two between "
                    + LocalChunkEngine.MIN_CHUNK_SIZE + " and " + LocalChunkEngine.MAX_CHUNK_SIZE);
        }
    }
}
