package io.cairn.engine;

import io.cairn.engine.EngineException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A volume or snapshot of the chunk engine, open for block I/O. Chunk data is read and written outside the
 * map's mutex; only the lookup, and the first write of a newly allocated chunk, happen under it, so two
 * writers racing for one unmapped chunk cannot both allocate it.
 */
final class ChunkDevice implements BlockDevice {
    private final LocalChunkEngine engine;
    private final ChunkMap map;
    private final long generation;
    private final boolean writable;
    private final int chunkSize;
    private volatile boolean closed;

    ChunkDevice(LocalChunkEngine engine, ChunkMap map, boolean writable) {
        this.engine = engine;
        this.map = map;
        this.generation = map.generation;
        this.writable = writable;
        this.chunkSize = engine.chunkSize;
    }

    @Override
    public long sizeBytes() {
        return map.sizeBytes;
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public void read(long offset, ByteBuffer into) throws IOException {
        map.structure.readLock().lock();
        try {
            requireLive();
            requireRange(offset, into.remaining());
            engine.ioBarrier.readLock().lock();
            try {
                long position = offset;
                while (into.hasRemaining()) {
                    long index = position / chunkSize;
                    int within = (int) (position % chunkSize);
                    int length = Math.min(chunkSize - within, into.remaining());
                    ByteBuffer piece = into.slice(into.position(), length);
                    long slot = lookup(index);
                    if (slot == ChunkTable.ABSENT) {
                        piece.put(engine.zeros.duplicate().limit(length));
                    } else {
                        engine.readFully(slot * chunkSize + within, piece);
                    }
                    into.position(into.position() + length);
                    position += length;
                }
            } finally {
                engine.ioBarrier.readLock().unlock();
            }
        } finally {
            map.structure.readLock().unlock();
        }
    }

    @Override
    public void write(long offset, ByteBuffer from, boolean fua) throws IOException {
        requireWritable();
        map.structure.readLock().lock();
        try {
            requireLive();
            requireRange(offset, from.remaining());
            engine.ioBarrier.readLock().lock();
            try {
                long position = offset;
                while (from.hasRemaining()) {
                    long index = position / chunkSize;
                    int within = (int) (position % chunkSize);
                    int length = Math.min(chunkSize - within, from.remaining());
                    writePiece(index, within, from.slice(from.position(), length));
                    from.position(from.position() + length);
                    position += length;
                }
                engine.unsyncedData.set(true);
            } finally {
                engine.ioBarrier.readLock().unlock();
            }
        } finally {
            map.structure.readLock().unlock();
        }
        if (fua) {
            engine.commit();
        }
    }

    private void writePiece(long index, int within, ByteBuffer piece) throws IOException {
        long privateSlot;
        map.mutex.lock();
        try {
            long slot = map.table.get(index);
            if (slot != ChunkTable.ABSENT && engine.slots.refcount(slot) == 1) {
                privateSlot = slot; // ours alone: overwrite in place, outside the mutex
            } else {
                if (slot == ChunkTable.ABSENT && isZero(piece)) {
                    return; // an unmapped chunk already reads as zeros
                }
                allocateAndWrite(index, within, piece, slot);
                return;
            }
        } finally {
            map.mutex.unlock();
        }
        engine.writeFully(privateSlot * chunkSize + within, piece);
    }

    /** Gives the chunk a slot of its own holding its old content (zeros or the shared chunk) with the piece applied. */
    private void allocateAndWrite(long index, int within, ByteBuffer piece, long sharedSlot) throws IOException {
        SlotAllocator.Allocation allocation = engine.slots.allocate();
        long base = allocation.slot() * chunkSize;
        try {
            if (within == 0 && piece.remaining() == chunkSize) {
                engine.writeFully(base, piece);
            } else if (sharedSlot == ChunkTable.ABSENT && allocation.fresh()) {
                engine.writeFully(base + within, piece); // past the end of the file: the rest reads as zeros
            } else {
                ByteBuffer whole = ByteBuffer.allocate(chunkSize);
                if (sharedSlot != ChunkTable.ABSENT) {
                    engine.readFully(sharedSlot * chunkSize, whole);
                }
                whole.put(within, piece, piece.position(), piece.remaining());
                engine.writeFully(base, whole.clear());
            }
        } catch (IOException | RuntimeException e) {
            engine.slots.release(allocation.slot());
            throw e;
        }
        map.table.put(index, allocation.slot());
        map.unjournaled.add(index);
        if (sharedSlot != ChunkTable.ABSENT) {
            engine.slots.release(sharedSlot);
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua) throws IOException {
        trim(offset, length, fua);
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        requireWritable();
        map.structure.readLock().lock();
        try {
            requireLive();
            requireRange(offset, length);
            engine.ioBarrier.readLock().lock();
            try {
                long position = offset;
                long end = offset + length;
                while (position < end) {
                    long index = position / chunkSize;
                    int within = (int) (position % chunkSize);
                    int pieceLength = (int) Math.min(chunkSize - within, end - position);
                    boolean wholeChunk =
                            within == 0 && (pieceLength == chunkSize || position + pieceLength == map.sizeBytes);
                    if (wholeChunk) {
                        unmap(index);
                    } else {
                        writePiece(index, within, engine.zeros.duplicate().limit(pieceLength));
                        engine.unsyncedData.set(true);
                    }
                    position += pieceLength;
                }
            } finally {
                engine.ioBarrier.readLock().unlock();
            }
        } finally {
            map.structure.readLock().unlock();
        }
        if (fua) {
            engine.commit();
        }
    }

    private void unmap(long index) {
        map.mutex.lock();
        try {
            long slot = map.table.remove(index);
            if (slot != ChunkTable.ABSENT) {
                map.unjournaled.add(index);
                engine.slots.release(slot);
            }
        } finally {
            map.mutex.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        requireLive();
        engine.commit();
    }

    @Override
    public void close() {
        closed = true;
    }

    private long lookup(long index) {
        map.mutex.lock();
        try {
            return map.table.get(index);
        } finally {
            map.mutex.unlock();
        }
    }

    private boolean isZero(ByteBuffer piece) {
        return piece.mismatch(engine.zeros.duplicate().limit(piece.remaining())) == -1;
    }

    private void requireLive() throws EngineException {
        if (closed || map.deleted || map.generation != generation) {
            throw new EngineException(
                    Reason.STALE,
                    map.kind.name().toLowerCase(java.util.Locale.ROOT) + " " + map.id
                            + " was deleted or reverted since it was opened");
        }
    }

    private void requireWritable() throws EngineException {
        if (!writable) {
            throw new EngineException(Reason.READ_ONLY, map.id + " is open read-only");
        }
    }

    private void requireRange(long offset, long length) throws EngineException {
        long size = map.sizeBytes;
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new EngineException(Reason.OUT_OF_RANGE, "range " + offset + "+" + length + " is outside 0.." + size);
        }
    }
}
