package io.cairn.engine;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An open volume or snapshot. Safe for concurrent use. A completed write is visible to every later read; it
 * is durable (survives a crash of the process or the machine) once {@link #flush} returns, or at once when
 * written with {@code fua}. Every method throws {@link EngineException}: {@code OUT_OF_RANGE} past the end,
 * {@code READ_ONLY} for changes to a read-only device, {@code STALE} once the device was deleted or reverted.
 */
public interface BlockDevice extends AutoCloseable {
    long sizeBytes();

    boolean writable();

    /** Fills {@code into} from its position to its limit with the bytes at {@code offset}. */
    void read(long offset, ByteBuffer into) throws IOException;

    /** Writes the remaining bytes of {@code from} at {@code offset}. */
    void write(long offset, ByteBuffer from, boolean fua) throws IOException;

    /** Makes the range read as zeros; whole chunks are released rather than written. */
    void writeZeroes(long offset, long length, boolean fua) throws IOException;

    /** Discards the range: it reads as zeros afterwards, and whole chunks stop taking space. */
    void trim(long offset, long length, boolean fua) throws IOException;

    /** Makes every completed write durable. */
    void flush() throws IOException;

    @Override
    void close();
}
