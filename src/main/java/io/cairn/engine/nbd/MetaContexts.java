package io.cairn.engine.nbd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The metadata contexts an export offers (proto.md, "Metadata querying") and the queries that name them.
 * {@code base:allocation} is on every export. {@code qemu:dirty-bitmap:<snapshot-id>} is on a volume's export for each
 * of its snapshots (what was written since) and on a snapshot's export for each older snapshot of the same volume
 * (what differs from it), named as qemu-nbd names a bitmap so that qemu's and libnbd's tools ask for it as they do there.
 */
final class MetaContexts {
    static final String BASE = "base:";
    static final String BASE_ALLOCATION = "base:allocation";
    static final String QEMU = "qemu:";
    static final String DIRTY_BITMAP = "qemu:dirty-bitmap:";

    /** A context: its name, and for a dirty bitmap the older snapshot it compares with. */
    record Context(String name, Optional<String> since) {
        static Context allocation() {
            return new Context(BASE_ALLOCATION, Optional.empty());
        }

        static Context bitmap(String snapshotId) {
            return new Context(DIRTY_BITMAP + snapshotId, Optional.of(snapshotId));
        }
    }

    /** An NBD_OPT_LIST_META_CONTEXT or NBD_OPT_SET_META_CONTEXT request: the export and the queries. */
    record Request(String exportName, List<String> queries) {
        /**
         * The request in an option's data, or empty when it is malformed: lengths that do not add up, or a string
         * that is not UTF-8 of at most 4096 bytes.
         */
        static Optional<Request> parse(byte[] payload) {
            ByteBuffer data = ByteBuffer.wrap(payload);
            Optional<String> name = string(data);
            if (name.isEmpty() || data.remaining() < 4) {
                return Optional.empty();
            }
            long count = Integer.toUnsignedLong(data.getInt());
            if (count > data.remaining() / 4) {
                return Optional.empty();
            }
            List<String> queries = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                Optional<String> query = string(data);
                if (query.isEmpty()) {
                    return Optional.empty();
                }
                queries.add(query.get());
            }
            return data.hasRemaining() ? Optional.empty() : Optional.of(new Request(name.get(), queries));
        }

        private static Optional<String> string(ByteBuffer data) {
            if (data.remaining() < 4) {
                return Optional.empty();
            }
            int length = data.getInt();
            if (length < 0 || length > data.remaining()) {
                return Optional.empty();
            }
            byte[] bytes = new byte[length];
            data.get(bytes);
            return Haggling.decodeName(bytes);
        }
    }

    private MetaContexts() {}

    /**
     * The contexts the queries name, each once, in the order first named. Listing
     * ({@code NBD_OPT_LIST_META_CONTEXT}) takes no queries as every context and the namespace forms ({@code base:},
     * {@code qemu:}, {@code qemu:dirty-bitmap:}) as wildcards; selecting ({@code NBD_OPT_SET_META_CONTEXT}) takes
     * whole names only. A query of an unknown namespace, or naming no context, matches nothing, as the protocol
     * requires.
     *
     * @param bitmapSnapshots the export's {@link ExportPolicy#bitmapSnapshots}, asked only when a query needs them
     */
    static List<Context> match(List<String> queries, Supplier<List<String>> bitmapSnapshots, boolean listing) {
        Set<Context> matched = new LinkedHashSet<>();
        if (queries.isEmpty() && listing) {
            matched.add(Context.allocation());
            bitmapSnapshots.get().forEach(snapshot -> matched.add(Context.bitmap(snapshot)));
        }
        List<String> snapshots = null;
        for (String query : queries) {
            if (query.equals(BASE_ALLOCATION) || (listing && query.equals(BASE))) {
                matched.add(Context.allocation());
            } else if (query.startsWith(DIRTY_BITMAP) || (listing && query.equals(QEMU))) {
                if (snapshots == null) {
                    snapshots = bitmapSnapshots.get();
                }
                String leaf = query.startsWith(DIRTY_BITMAP) ? query.substring(DIRTY_BITMAP.length()) : "";
                if (leaf.isEmpty() && listing) {
                    snapshots.forEach(snapshot -> matched.add(Context.bitmap(snapshot)));
                } else if (!leaf.isEmpty() && snapshots.contains(leaf)) {
                    matched.add(Context.bitmap(leaf));
                }
            }
        }
        return new ArrayList<>(matched);
    }
}
