package io.cairn.engine.nbd;

import static java.util.Objects.requireNonNull;

import io.cairn.engine.StorageEngine;
import io.cairn.engine.StorageEngine.Extent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The answers to {@code NBD_CMD_BLOCK_STATUS} for the contexts one connection selected, from the engine's
 * {@link StorageEngine#changedExtents}: {@code base:allocation} marks as hole and zeros what the export holds no data
 * in; a dirty bitmap marks dirty what differs from its snapshot.
 *
 * <p>A snapshot never changes, so a snapshot export's extents are asked of the engine once per context and connection,
 * and every request after that costs a binary search. A volume changes under writes from any client (another
 * connection, another node's server, a host attached to RBD directly) that nothing here can see, so its extents are
 * asked afresh at each request: a cached answer could call freshly written data a hole, and a copying client would
 * skip it. One request is answered for the whole range asked (up to {@link #MAX_DESCRIPTORS}), and the tools ask for
 * large ranges (nbdinfo, qemu-img and nbdcopy gigabytes at a time), so a volume costs one engine comparison per
 * large range, not per block.
 */
final class BlockStatus {
    /** Descriptors in one reply chunk (the protocol asks for at most 2^20): 1 MiB of reply at most. */
    static final int MAX_DESCRIPTORS = 1 << 17;

    /** A run of bytes with one status. */
    record Descriptor(long length, int flags) {}

    /** The chunk for one context: its id as {@code NBD_OPT_SET_META_CONTEXT} gave it, and its descriptors. */
    record Chunk(int contextId, List<Descriptor> descriptors) {}

    private final StorageEngine engine;
    private final ExportPolicy.Export export;
    private final List<Selected> selected;

    /** @param contexts the selected contexts; the id of each is its position plus one */
    BlockStatus(StorageEngine engine, ExportPolicy.Export export, List<MetaContexts.Context> contexts) {
        this.engine = requireNonNull(engine, "engine is null");
        this.export = requireNonNull(export, "export is null");
        this.selected = new ArrayList<>();
        for (int i = 0; i < contexts.size(); i++) {
            selected.add(new Selected(i + 1, contexts.get(i)));
        }
    }

    boolean isEmpty() {
        return selected.isEmpty();
    }

    /**
     * One chunk per context for {@code [offset, offset + length)}, which lies within the export; a single descriptor
     * each when {@code one} ({@code NBD_CMD_FLAG_REQ_ONE}).
     */
    List<Chunk> query(long offset, long length, boolean one) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        for (Selected context : selected) {
            boolean allocation = context.context.since().isEmpty();
            chunks.add(new Chunk(
                    context.id,
                    describe(
                            context.extents(),
                            offset,
                            offset + length,
                            allocation ? 0 : Nbd.STATE_DIRTY,
                            allocation ? Nbd.STATE_HOLE | Nbd.STATE_ZERO : 0,
                            one)));
        }
        return chunks;
    }

    /**
     * The descriptors of {@code [offset, end)}: {@code markedFlags} where a {@code marked} extent (sorted, apart)
     * covers it, {@code unmarkedFlags} elsewhere. Each is at most {@code end - offset} long, so a request's 32-bit
     * length bounds them.
     */
    static List<Descriptor> describe(
            List<Extent> marked, long offset, long end, int markedFlags, int unmarkedFlags, boolean one) {
        int next = firstEndingAfter(marked, offset);
        List<Descriptor> descriptors = new ArrayList<>();
        long position = offset;
        while (position < end && descriptors.size() < MAX_DESCRIPTORS) {
            long until;
            int flags;
            if (next < marked.size() && marked.get(next).offset() <= position) {
                Extent extent = marked.get(next++);
                until = Math.min(end, extent.offset() + extent.length());
                flags = markedFlags;
            } else {
                until = next < marked.size() ? Math.min(end, marked.get(next).offset()) : end;
                flags = unmarkedFlags;
            }
            descriptors.add(new Descriptor(until - position, flags));
            position = until;
            if (one) {
                break;
            }
        }
        return descriptors;
    }

    /** The index of the first extent that ends after {@code offset}; the size of the list when none does. */
    private static int firstEndingAfter(List<Extent> extents, long offset) {
        int low = 0;
        int high = extents.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            Extent extent = extents.get(middle);
            if (extent.offset() + extent.length() <= offset) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private final class Selected {
        final int id;
        final MetaContexts.Context context;
        private List<Extent> frozen;

        Selected(int id, MetaContexts.Context context) {
            this.id = id;
            this.context = context;
        }

        /** The marked extents: a snapshot's once, a volume's as they are now. */
        synchronized List<Extent> extents() throws IOException {
            if (frozen != null) {
                return frozen;
            }
            List<Extent> extents = engine.changedExtents(export.volumeId(), export.snapshotId(), context.since());
            if (export.snapshotId().isPresent()) {
                frozen = extents;
            }
            return extents;
        }
    }
}
