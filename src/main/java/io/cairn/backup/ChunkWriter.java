package io.cairn.backup;

import static java.util.Objects.requireNonNull;

import io.cairn.engine.StorageEngine.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one backup: reads the chunks the changed extents touch, one after another, and uploads those the container
 * lacks side by side, then writes the manifest. See {@link BackupRepository#write}.
 */
final class ChunkWriter {
    private final ObjectStore store;
    private final int concurrency;
    private final Clock clock;

    ChunkWriter(ObjectStore store, int concurrency, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.concurrency = concurrency;
        this.clock = requireNonNull(clock, "clock is null");
    }

    WriteResult write(BackupSource source, ChunkClaims claims, Progress progress) throws IOException {
        String container = source.container();
        int chunkSize = BackupRepository.CHUNK_SIZE;
        long size = source.device().sizeBytes();
        int count = Chunks.count(size, chunkSize);
        store.ensureContainer(container);
        // A parent whose chunks are in another container, or cut at other places, gives nothing to keep: read it all.
        Optional<Manifest> parent = source.parent()
                .filter(manifest -> manifest.container().equals(container) && manifest.chunkSize() == chunkSize);
        BitSet toRead = source.parent().isPresent() && parent.isEmpty()
                ? everything(count)
                : touched(source.changed(), size, chunkSize, count);

        String[] hashes = new String[count];
        Set<String> claimed = new HashSet<>();
        List<String> keptFromParent = new ArrayList<>();
        ProgressCounter counter = new ProgressCounter(progress, count);
        ChunkBuffers buffers = new ChunkBuffers(chunkSize, concurrency + 1);
        AtomicLong chunksUploaded = new AtomicLong();
        AtomicLong bytesUploaded = new AtomicLong();
        long bytesRead = 0;
        try (Transfers transfers = new Transfers(concurrency)) {
            for (int index = 0; index < count; index++) {
                transfers.check();
                long offset = (long) index * chunkSize;
                int length = (int) Math.min(chunkSize, size - offset);
                if (!toRead.get(index) && !cutDifferently(parent, index, length)) {
                    // Unchanged: the parent's chunk, or zeros (beyond the parent's end, or without a parent).
                    String hash = parentHash(parent, index);
                    hashes[index] = hash;
                    if (hash != null && claimed.add(hash)) {
                        keptFromParent.add(hash);
                        if (keptFromParent.size() == ChunkClaims.BATCH) {
                            claims.claim(List.copyOf(keptFromParent));
                            keptFromParent.clear();
                        }
                    }
                    counter.chunkDone(0);
                    continue;
                }
                byte[] buffer = buffers.take();
                boolean handedOver = false;
                try {
                    source.device().read(offset, ByteBuffer.wrap(buffer, 0, length));
                    bytesRead += length;
                    if (Chunks.isZero(buffer, length)) {
                        counter.chunkDone(0);
                        continue;
                    }
                    String hash = Chunks.sha256(buffer, length);
                    hashes[index] = hash;
                    if (!claimed.add(hash)) { // claimed before, and stored (or kept from the parent) by this write
                        counter.chunkDone(0);
                        continue;
                    }
                    claims.claim(List.of(hash)); // before the look-up: see ChunkClaims
                    String key = Chunks.chunkKey(hash);
                    transfers.submit(
                            () -> {
                                OptionalLong stored = store.length(container, key);
                                // A length other than the chunk's is no copy of it: replaced.
                                if (stored.isPresent() && stored.getAsLong() == length) {
                                    counter.chunkDone(0);
                                    return;
                                }
                                store.put(container, key, buffer, length);
                                chunksUploaded.incrementAndGet();
                                bytesUploaded.addAndGet(length);
                                counter.chunkDone(length);
                            },
                            () -> buffers.give(buffer));
                    handedOver = true;
                } finally {
                    if (!handedOver) {
                        buffers.give(buffer);
                    }
                }
            }
            if (!keptFromParent.isEmpty()) {
                claims.claim(List.copyOf(keptFromParent));
            }
            transfers.finish();
        }
        Manifest manifest = new Manifest(
                Manifest.FORMAT_VERSION,
                source.backupId(),
                source.volumeId(),
                container,
                size,
                chunkSize,
                source.parent().map(Manifest::backupId),
                clock.instant(),
                Arrays.asList(hashes));
        byte[] json = manifest.toJson();
        // Last: a backup without its manifest is no backup, so a write cut short leaves none to restore from.
        store.put(container, Chunks.manifestKey(source.backupId()), json, json.length);
        return new WriteResult(manifest, chunksUploaded.get(), bytesUploaded.get(), bytesRead);
    }

    /**
     * Whether the parent's chunk at {@code index} is of another length: the parent's last, short chunk of a volume
     * grown since, which is read again as the changed extents need not cover the old end.
     */
    private static boolean cutDifferently(Optional<Manifest> parent, int index, int length) {
        return parent.isPresent()
                && index < parent.get().chunkCount()
                && parent.get().chunkLength(index) != length;
    }

    /** The parent's hash at {@code index}; null for zeros, and beyond the parent's end or without a parent. */
    private static String parentHash(Optional<Manifest> parent, int index) {
        return parent.isPresent() && index < parent.get().chunkCount()
                ? parent.get().chunks().get(index)
                : null;
    }

    private static BitSet everything(int count) {
        BitSet all = new BitSet(count);
        all.set(0, count);
        return all;
    }

    /** The chunks the extents touch, within the device's size. */
    private static BitSet touched(List<Extent> extents, long size, int chunkSize, int count) {
        BitSet touched = new BitSet(count);
        for (Extent extent : extents) {
            long end = Math.min(size, extent.offset() + extent.length());
            if (extent.length() == 0 || extent.offset() >= end) {
                continue;
            }
            touched.set((int) (extent.offset() / chunkSize), (int) ((end - 1) / chunkSize) + 1);
        }
        return touched;
    }
}
