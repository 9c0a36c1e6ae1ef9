package io.cairn.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reference counts of the slots of the data file, and which slots are free. A slot whose count drops to
 * zero is only pending: it becomes reusable after the map change that dropped it is durable and no read
 * can still be using it (see {@link #takePending} and {@link #free}). Slots at or beyond the high-water
 * mark lie past the end of the data file and read as zeros, so a fresh chunk needs no zero-filling.
 */
final class SlotAllocator {
    /** A slot handed out for a new chunk; {@code fresh} means it reads as zeros until written. */
    record Allocation(long slot, boolean fresh) {}

    private final ReentrantLock lock = new ReentrantLock();
    private int[] refcounts;
    private final BitSet free = new BitSet();
    private List<Long> pending = new ArrayList<>();
    private long highWater;
    private long inUse;

    /** Starts from counts recomputed from the maps; every slot below {@code highWater} with no reference is free. */
    SlotAllocator(int[] refcounts, long highWater) {
        this.refcounts = Arrays.copyOf(refcounts, Math.max(16, (int) highWater));
        this.highWater = highWater;
        for (int slot = 0; slot < highWater; slot++) {
            if (this.refcounts[slot] == 0) {
                free.set(slot);
            } else {
                inUse++;
            }
        }
    }

    Allocation allocate() {
        lock.lock();
        try {
            int slot = free.nextSetBit(0);
            boolean fresh = slot < 0;
            if (fresh) {
                slot = Math.toIntExact(highWater++);
                if (slot >= refcounts.length) {
                    refcounts = Arrays.copyOf(refcounts, Math.max(slot + 1, refcounts.length * 2));
                }
            } else {
                free.clear(slot);
            }
            refcounts[slot] = 1;
            inUse++;
            return new Allocation(slot, fresh);
        } finally {
            lock.unlock();
        }
    }

    int refcount(long slot) {
        lock.lock();
        try {
            return refcounts[(int) slot];
        } finally {
            lock.unlock();
        }
    }

    void retainAll(ChunkTable table) {
        lock.lock();
        try {
            table.forEach((index, slot) -> refcounts[(int) slot]++);
        } finally {
            lock.unlock();
        }
    }

    void release(long slot) {
        lock.lock();
        try {
            releaseLocked(slot);
        } finally {
            lock.unlock();
        }
    }

    void releaseAll(ChunkTable table) {
        lock.lock();
        try {
            table.forEach((index, slot) -> releaseLocked(slot));
        } finally {
            lock.unlock();
        }
    }

    private void releaseLocked(long slot) {
        int count = refcounts[(int) slot];
        if (count <= 0) {
            throw new IllegalStateException("slot " + slot + " released more often than retained");
        }
        refcounts[(int) slot] = count - 1;
        if (count == 1) {
            pending.add(slot);
        }
    }

    /** The slots that reached zero so far; the caller frees them once their unmapping is durable. */
    List<Long> takePending() {
        lock.lock();
        try {
            List<Long> taken = pending;
            pending = new ArrayList<>();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    void free(List<Long> slots) {
        lock.lock();
        try {
            for (long slot : slots) {
                if (refcounts[(int) slot] == 0) {
                    free.set((int) slot);
                    inUse--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lowers the high-water mark past free slots at the end; {@code truncate} gets the new length in slots. */
    <E extends Exception> void trimTail(TailTruncation<E> truncate) throws E {
        lock.lock();
        try {
            long newHighWater = highWater;
            while (newHighWater > 0 && free.get((int) newHighWater - 1)) {
                newHighWater--;
            }
            if (newHighWater < highWater) {
                // Truncate under the lock: a slot past the new end must not be handed out as fresh before it is gone.
                truncate.to(newHighWater);
                free.clear((int) newHighWater, (int) highWater);
                highWater = newHighWater;
            }
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    interface TailTruncation<E extends Exception> {
        void to(long slots) throws E;
    }

    /** Counts for audits: slots holding a referenced chunk, free slots, the high-water mark, pending slots. */
    record Counts(long inUse, long free, long highWater, long pending) {}

    Counts counts() {
        lock.lock();
        try {
            return new Counts(inUse, free.cardinality(), highWater, pending.size());
        } finally {
            lock.unlock();
        }
    }

    int[] refcountsCopy() {
        lock.lock();
        try {
            return Arrays.copyOf(refcounts, (int) highWater);
        } finally {
            lock.unlock();
        }
    }
}
