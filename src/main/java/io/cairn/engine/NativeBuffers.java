package io.cairn.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Native memory for request data, reused: the data of requests librbd runs asynchronously, and the replies to NBD
 * reads, which the file read fills and the socket write sends with no copy in the Java heap. A fresh buffer per
 * request costs more than the request itself at a megabyte (the allocator maps and the kernel zeroes new pages), and
 * memory the garbage collector frees late piles up under a small heap. Buffers come in powers of two; at most
 * {@link #KEPT_BYTES} are kept free, the rest is left to the collector. Safe for concurrent use.
 */
public final class NativeBuffers {
    private static final int SMALLEST_SHIFT = 12;
    private static final int LARGEST_SHIFT = 25; // NBD's largest request, 32 MiB
    private static final long KEPT_BYTES = 64L << 20;

    /** The free buffers of each size, smallest first. */
    private final List<ConcurrentLinkedQueue<MemorySegment>> free = IntStream.rangeClosed(SMALLEST_SHIFT, LARGEST_SHIFT)
            .mapToObj(shift -> new ConcurrentLinkedQueue<MemorySegment>())
            .toList();

    private final AtomicLong keptBytes = new AtomicLong();
    private final AtomicLong lentBytes = new AtomicLong();

    /** A buffer of at least {@code length} bytes, its content undefined. */
    public MemorySegment take(long length) {
        MemorySegment buffer = poll(length);
        lentBytes.addAndGet(buffer.byteSize());
        return buffer;
    }

    private MemorySegment poll(long length) {
        int shift = shiftFor(length);
        if (shift > LARGEST_SHIFT) {
            return Arena.ofAuto().allocate(length);
        }
        MemorySegment buffer = free.get(shift - SMALLEST_SHIFT).poll();
        if (buffer == null) {
            return Arena.ofAuto().allocate(1L << shift);
        }
        keptBytes.addAndGet(-buffer.byteSize());
        return buffer;
    }

    /** Returns a buffer taken from this pool that nothing uses any more. */
    public void give(MemorySegment buffer) {
        lentBytes.addAndGet(-buffer.byteSize());
        int shift = shiftFor(buffer.byteSize());
        if (shift > LARGEST_SHIFT
                || buffer.byteSize() != 1L << shift
                || keptBytes.addAndGet(buffer.byteSize()) > KEPT_BYTES) {
            if (shift <= LARGEST_SHIFT && buffer.byteSize() == 1L << shift) {
                keptBytes.addAndGet(-buffer.byteSize());
            }
            return;
        }
        free.get(shift - SMALLEST_SHIFT).offer(buffer);
    }

    /** Bytes taken and not given back yet. */
    public long lentBytes() {
        return lentBytes.get();
    }

    private static int shiftFor(long length) {
        return Math.max(SMALLEST_SHIFT, 64 - Long.numberOfLeadingZeros(Math.max(length, 1) - 1));
    }
}
