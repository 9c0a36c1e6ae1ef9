package io.cairn.engine;

import java.util.Arrays;

/**
 * A sparse map from chunk index to slot. Entries live in pages of 4096, allocated on first use, so a huge
 * volume with little data costs little memory and copying a map costs time in proportion to what is mapped.
 * Not thread-safe: its owner guards it.
 */
final class ChunkTable {
    static final long ABSENT = -1;
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    /** Each entry holds slot + 1, so that a fresh page (all zeros) means "nothing mapped". */
    private long[][] pages;

    private int[] pageCounts;
    private long chunkCount;
    private long mapped;

    ChunkTable(long chunkCount) {
        this.chunkCount = chunkCount;
        int pageCount = pageCount(chunkCount);
        this.pages = new long[pageCount][];
        this.pageCounts = new int[pageCount];
    }

    private static int pageCount(long chunkCount) {
        return Math.toIntExact((chunkCount + PAGE_SIZE - 1) >>> PAGE_BITS);
    }

    long chunkCount() {
        return chunkCount;
    }

    /** How many chunks are mapped. */
    long mapped() {
        return mapped;
    }

    long get(long index) {
        if (index < 0 || index >= chunkCount) {
            return ABSENT;
        }
        long[] page = pages[(int) (index >>> PAGE_BITS)];
        return page == null ? ABSENT : page[(int) (index & (PAGE_SIZE - 1))] - 1;
    }

    /** Maps {@code index} to {@code slot}; returns the slot it replaced, or {@link #ABSENT}. */
    long put(long index, long slot) {
        int pageIndex = (int) (index >>> PAGE_BITS);
        long[] page = pages[pageIndex];
        if (page == null) {
            page = pages[pageIndex] = new long[PAGE_SIZE];
        }
        int offset = (int) (index & (PAGE_SIZE - 1));
        long previous = page[offset] - 1;
        page[offset] = slot + 1;
        if (previous == ABSENT) {
            pageCounts[pageIndex]++;
            mapped++;
        }
        return previous;
    }

    /** Unmaps {@code index}; returns the slot it held, or {@link #ABSENT}. */
    long remove(long index) {
        int pageIndex = (int) (index >>> PAGE_BITS);
        long[] page = pages[pageIndex];
        if (page == null) {
            return ABSENT;
        }
        int offset = (int) (index & (PAGE_SIZE - 1));
        long previous = page[offset] - 1;
        if (previous != ABSENT) {
            page[offset] = 0;
            mapped--;
            if (--pageCounts[pageIndex] == 0) {
                pages[pageIndex] = null;
            }
        }
        return previous;
    }

    /** Grows the index range; shrinking is never needed because volumes only grow. */
    void grow(long newChunkCount) {
        if (newChunkCount <= chunkCount) {
            return;
        }
        int newPageCount = pageCount(newChunkCount);
        pages = Arrays.copyOf(pages, newPageCount);
        pageCounts = Arrays.copyOf(pageCounts, newPageCount);
        chunkCount = newChunkCount;
    }

    /** An independent copy covering at least {@code newChunkCount} chunks. */
    ChunkTable copy(long newChunkCount) {
        ChunkTable copy = new ChunkTable(Math.max(chunkCount, newChunkCount));
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] != null) {
                copy.pages[i] = pages[i].clone();
                copy.pageCounts[i] = pageCounts[i];
            }
        }
        copy.mapped = mapped;
        return copy;
    }

    @FunctionalInterface
    interface EntryVisitor<E extends Exception> {
        void visit(long index, long slot) throws E;
    }

    /** Visits the mapped entries in ascending index order. */
    <E extends Exception> void forEach(EntryVisitor<E> visitor) throws E {
        for (int i = 0; i < pages.length; i++) {
            long[] page = pages[i];
            if (page == null) {
                continue;
            }
            long base = (long) i << PAGE_BITS;
            for (int j = 0; j < PAGE_SIZE; j++) {
                if (page[j] != 0) {
                    visitor.visit(base + j, page[j] - 1);
                }
            }
        }
    }

    @FunctionalInterface
    interface PairVisitor<E extends Exception> {
        void visit(long index, long slot, long otherSlot) throws E;
    }

    /**
     * Visits, in ascending index order below {@code limit}, every index that this table or {@code other} maps, with
     * the slot each maps there ({@link #ABSENT} for none). Pages neither table has are skipped whole, so the walk
     * costs time in proportion to what is mapped.
     */
    <E extends Exception> void forEachMappedInEither(ChunkTable other, long limit, PairVisitor<E> visitor) throws E {
        int pageLimit = pageCount(Math.min(limit, Math.max(chunkCount, other.chunkCount)));
        for (int i = 0; i < pageLimit; i++) {
            long[] page = i < pages.length ? pages[i] : null;
            long[] otherPage = i < other.pages.length ? other.pages[i] : null;
            if (page == null && otherPage == null) {
                continue;
            }
            long base = (long) i << PAGE_BITS;
            int entries = (int) Math.min(PAGE_SIZE, limit - base);
            for (int j = 0; j < entries; j++) {
                long entry = page == null ? 0 : page[j];
                long otherEntry = otherPage == null ? 0 : otherPage[j];
                if (entry != 0 || otherEntry != 0) {
                    visitor.visit(base + j, entry - 1, otherEntry - 1);
                }
            }
        }
    }
}
