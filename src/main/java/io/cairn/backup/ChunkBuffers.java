package io.cairn.backup;

import java.io.InterruptedIOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * A fixed number of chunk-sized buffers, made as they are first needed and reused afterwards: what bounds the memory of
 * a backup, restore or verification, whatever the volume's size.
 */
final class ChunkBuffers {
    private final int size;
    private final Semaphore available;
    private final Queue<byte[]> free = new ConcurrentLinkedQueue<>();

    ChunkBuffers(int size, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count + " is below 1");
        }
        this.size = size;
        this.available = new Semaphore(count);
    }

    /** A buffer of its own for the caller, waiting while all of them are taken. */
    byte[] take() throws InterruptedIOException {
        try {
            available.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a chunk buffer");
        }
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[size];
    }

    void give(byte[] buffer) {
        free.add(buffer);
        available.release();
    }
}
