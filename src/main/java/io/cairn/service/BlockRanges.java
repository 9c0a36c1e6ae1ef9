package io.cairn.service;

import io.cairn.domain.SnapshotBlocks;
import io.cairn.engine.StorageEngine.Extent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/**
 * A set of block indices held as sorted, disjoint ranges: the engine's byte extents rounded out to whole blocks of
 * {@link SnapshotBlocks#BLOCK_SIZE}. A volume of a TiB has two million blocks; its ranges are as few as its extents.
 */
final class BlockRanges {
    /** Blocks {@code first} to {@code end}, {@code end} excluded. */
    private record Range(long first, long end) {}

    private final List<Range> ranges;

    private BlockRanges(List<Range> ranges) {
        this.ranges = ranges;
    }

    /** The blocks that {@code extents} (sorted and apart, as the engine answers them) touch. */
    static BlockRanges of(List<Extent> extents) {
        List<Range> ranges = new ArrayList<>();
        for (Extent extent : extents) {
            long first = extent.offset() / SnapshotBlocks.BLOCK_SIZE;
            long end = Math.ceilDiv(extent.offset() + extent.length(), SnapshotBlocks.BLOCK_SIZE);
            // Two extents apart in bytes may round out into the same block.
            if (!ranges.isEmpty() && first <= ranges.getLast().end()) {
                Range last = ranges.removeLast();
                ranges.add(new Range(last.first(), Math.max(last.end(), end)));
            } else {
                ranges.add(new Range(first, end));
            }
        }
        return new BlockRanges(List.copyOf(ranges));
    }

    boolean contains(long index) {
        int low = 0;
        int high = ranges.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            Range range = ranges.get(middle);
            if (index < range.first()) {
                high = middle - 1;
            } else if (index >= range.end()) {
                low = middle + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** The indices from {@code start} on, in order. */
    LongStream from(long start) {
        return ranges.stream()
                .filter(range -> range.end() > start)
                .flatMapToLong(range -> LongStream.range(Math.max(range.first(), start), range.end()));
    }
}
