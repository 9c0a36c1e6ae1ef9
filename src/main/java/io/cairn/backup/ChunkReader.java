package io.cairn.backup;

import static java.util.Objects.requireNonNull;

import io.cairn.backup.BackupStoreException.Reason;
import io.cairn.engine.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads backups back: downloads chunks side by side, checks each against its hash, and writes them to a device
 * ({@link #restore}) or only reports what is wrong ({@link #verify}).
 */
final class ChunkReader {
    private final ObjectStore store;
    private final int concurrency;

    ChunkReader(ObjectStore store, int concurrency) {
        this.store = requireNonNull(store, "store is null");
        this.concurrency = concurrency;
    }

    void restore(Manifest manifest, BlockDevice target, boolean targetReadsZero, Progress progress) throws IOException {
        if (target.sizeBytes() < manifest.sizeBytes()) {
            throw new BackupStoreException(
                    Reason.INVALID,
                    "backup " + manifest.backupId() + " holds " + manifest.sizeBytes() + " bytes, more than the "
                            + target.sizeBytes() + " of the volume to restore it to");
        }
        if (!target.writable()) {
            throw new BackupStoreException(
                    Reason.INVALID, "the device to restore backup " + manifest.backupId() + " to is read-only");
        }
        ProgressCounter counter = new ProgressCounter(progress, manifest.chunkCount());
        ChunkBuffers buffers = new ChunkBuffers(manifest.chunkSize(), concurrency);
        try (Transfers transfers = new Transfers(concurrency)) {
            // Zero chunks next to each other are made zeros in one call, which an engine can do without writing.
            long zerosFrom = 0;
            long zerosLength = 0;
            for (int index = 0; index < manifest.chunkCount(); index++) {
                transfers.check();
                long offset = manifest.chunkOffset(index);
                if (manifest.chunk(index).isEmpty()) {
                    if (!targetReadsZero) {
                        if (zerosLength == 0) {
                            zerosFrom = offset;
                        }
                        zerosLength += manifest.chunkLength(index);
                    }
                    counter.chunkDone(0);
                    continue;
                }
                if (zerosLength > 0) {
                    target.writeZeroes(zerosFrom, zerosLength, false);
                    zerosLength = 0;
                }
                int chunk = index;
                byte[] buffer = buffers.take();
                transfers.submit(
                        () -> {
                            int length = fetch(manifest, chunk, buffer);
                            target.write(offset, ByteBuffer.wrap(buffer, 0, length), false);
                            counter.chunkDone(length);
                        },
                        () -> buffers.give(buffer));
            }
            if (zerosLength > 0) {
                target.writeZeroes(zerosFrom, zerosLength, false);
            }
            transfers.finish();
        }
        target.flush();
    }

    VerifyReport verify(Manifest manifest, Progress progress) throws IOException {
        List<String> hashes = List.copyOf(manifest.hashes());
        Set<String> missing = ConcurrentHashMap.newKeySet();
        Set<String> corrupt = ConcurrentHashMap.newKeySet();
        AtomicLong bytesRead = new AtomicLong();
        ProgressCounter counter = new ProgressCounter(progress, hashes.size());
        ChunkBuffers buffers = new ChunkBuffers(manifest.chunkSize(), concurrency);
        try (Transfers transfers = new Transfers(concurrency)) {
            for (String hash : hashes) {
                transfers.check();
                byte[] buffer = buffers.take();
                transfers.submit(
                        () -> {
                            int length;
                            try {
                                length = store.get(manifest.container(), Chunks.chunkKey(hash), buffer);
                            } catch (BackupStoreException e) {
                                switch (e.reason()) {
                                    case NOT_FOUND -> missing.add(hash);
                                    case CORRUPT -> corrupt.add(hash);
                                    case UNAVAILABLE, DENIED, INVALID -> throw e;
                                }
                                counter.chunkDone(0);
                                return;
                            }
                            if (!Chunks.sha256(buffer, length).equals(hash)) {
                                corrupt.add(hash);
                            }
                            bytesRead.addAndGet(length);
                            counter.chunkDone(length);
                        },
                        () -> buffers.give(buffer));
            }
            transfers.finish();
        }
        // In the manifest's order, whichever download ended first.
        return new VerifyReport(
                hashes.size(),
                bytesRead.get(),
                hashes.stream().filter(missing::contains).toList(),
                hashes.stream().filter(corrupt::contains).toList());
    }

    /** Downloads chunk {@code index} into {@code buffer} and checks it, returning its length. */
    private int fetch(Manifest manifest, int index, byte[] buffer) throws BackupStoreException {
        String hash = manifest.chunks().get(index);
        String key = Chunks.chunkKey(hash);
        String chunk = "chunk " + index + " of backup " + manifest.backupId() + " (" + key + " in "
                + manifest.container() + ")";
        int length;
        try {
            length = store.get(manifest.container(), key, buffer);
        } catch (BackupStoreException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                throw new BackupStoreException(Reason.NOT_FOUND, chunk + " is missing", e);
            }
            if (e.reason() == Reason.CORRUPT) {
                throw new BackupStoreException(Reason.CORRUPT, chunk + " is corrupt: " + e.getMessage(), e);
            }
            throw e;
        }
        if (length != manifest.chunkLength(index)
                || !Chunks.sha256(buffer, length).equals(hash)) {
            throw new BackupStoreException(
                    Reason.CORRUPT, chunk + " is corrupt: its content does not match its SHA-256");
        }
        return length;
    }
}
