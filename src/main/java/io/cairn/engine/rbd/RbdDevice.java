package io.cairn.engine.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;

import io.cairn.engine.BlockDevice;
import io.cairn.engine.EngineException;
import io.cairn.engine.EngineException.Reason;
import io.cairn.engine.NativeBuffers;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A volume or snapshot read and written through librbd's asynchronous calls. Each request is handed to librbd
 * and its caller waits on a future that librbd's completion callback fulfils, so a virtual thread per request
 * parks instead of holding a carrier thread: requests from one connection overlap up to its queue depth.
 */
final class RbdDevice implements BlockDevice {

    /**
     * Requests librbd has not completed, by the number passed to its callback. Each holds its buffer, so memory
     * librbd may still write stays allocated even after its caller gave up waiting.
     */
    private static final Map<Long, Pending> PENDING = new ConcurrentHashMap<>();

    private record Pending(CompletableFuture<Long> done, MemorySegment buffer) {}

    private static final NativeBuffers BUFFERS = new NativeBuffers();

    private static final AtomicLong NEXT_REQUEST = new AtomicLong(1);
    private static final MemorySegment ON_COMPLETE =
            Librbd.callback(RbdDevice.class, "completed", Librbd.COMPLETION_CALLBACK, Arena.global());

    private final RbdImage image;
    private final boolean writable;
    private final long sizeBytes;
    /** Twice librados' OSD time-out, so a request normally ends with librbd's own answer first. */
    private final long timeoutSeconds;

    private final Runnable onClose;
    /** The volume's write gate (see {@link WriteGates}): held shared by every request that changes the image. */
    private final ReadWriteLock writeGate;
    /** Requests hold it shared while they use the image; ending the device takes it exclusively. */
    private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
    /** Guarded by {@link #use}. */
    private boolean stale;
    /** Guarded by {@link #use}. */
    private boolean closed;

    RbdDevice(RbdImage image, boolean writable, long timeoutSeconds, ReadWriteLock writeGate, Runnable onClose)
            throws IOException {
        this.timeoutSeconds = timeoutSeconds;
        this.writeGate = writeGate;
        this.image = image;
        this.writable = writable;
        this.sizeBytes = image.sizeBytes();
        this.onClose = onClose;
    }

    /**
     * Ends the device because its volume is deleted or reverted under it: it waits for the requests in flight,
     * closes the image (releasing its exclusive lock, which the revert needs) and answers {@code STALE} from then on.
     */
    void invalidate() {
        use.writeLock().lock();
        try {
            stale = true;
            closeImage();
        } finally {
            use.writeLock().unlock();
        }
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public void read(long offset, ByteBuffer into) throws IOException {
        int length = into.remaining();
        MemorySegment buffer = BUFFERS.take(length);
        inUse(
                offset,
                length,
                false,
                () -> submit(
                        "read",
                        buffer,
                        completion -> Librbd.rbdAioRead(image.handle(), offset, length, buffer, completion)));
        into.put(buffer.asSlice(0, length).asByteBuffer());
        BUFFERS.give(buffer); // not on failure: a request that timed out may still be filled by librbd
    }

    @Override
    public void write(long offset, ByteBuffer from, boolean fua) throws IOException {
        int length = from.remaining();
        MemorySegment buffer = BUFFERS.take(length);
        buffer.asByteBuffer().put(from);
        inUse(
                offset,
                length,
                true,
                () -> submit(
                        "write",
                        buffer,
                        completion -> Librbd.rbdAioWrite(image.handle(), offset, length, buffer, completion)));
        BUFFERS.give(buffer);
        if (fua) {
            flush();
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua) throws IOException {
        inUse(
                offset,
                length,
                true,
                () -> submit(
                        "write zeroes",
                        MemorySegment.NULL,
                        completion -> Librbd.rbdAioWriteZeroes(image.handle(), offset, length, completion)));
        if (fua) {
            flush();
        }
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        inUse(
                offset,
                length,
                true,
                () -> submit(
                        "discard",
                        MemorySegment.NULL,
                        completion -> Librbd.rbdAioDiscard(image.handle(), offset, length, completion)));
        if (fua) {
            flush();
        }
    }

    @Override
    public void flush() throws IOException {
        inUse(
                0,
                0,
                false,
                () -> submit(
                        "flush", MemorySegment.NULL, completion -> Librbd.rbdAioFlush(image.handle(), completion)));
    }

    @Override
    public void close() {
        use.writeLock().lock();
        try {
            closeImage();
        } finally {
            use.writeLock().unlock();
        }
        onClose.run();
    }

    private void closeImage() {
        if (!closed) {
            closed = true;
            image.close();
        }
    }

    @FunctionalInterface
    private interface Request {
        long run() throws IOException;
    }

    /** Runs a request on the image after checking it, with the image held open until it completes. */
    private void inUse(long offset, long length, boolean write, Request request) throws IOException {
        if (write) {
            writeGate.readLock().lock();
        }
        try {
            use.readLock().lock();
            try {
                check(offset, length, write);
                request.run();
            } finally {
                use.readLock().unlock();
            }
        } finally {
            if (write) {
                writeGate.readLock().unlock();
            }
        }
    }

    /**
     * Flushes what librbd holds of completed writes to the cluster, for an operation that has the volume's write gate
     * closed; a device already ended has nothing to flush.
     */
    void flushHeld() throws IOException {
        use.readLock().lock();
        try {
            if (stale || closed) {
                return;
            }
            submit("flush", MemorySegment.NULL, completion -> Librbd.rbdAioFlush(image.handle(), completion));
        } finally {
            use.readLock().unlock();
        }
    }

    private void check(long offset, long length, boolean write) throws EngineException {
        if (stale || closed) {
            throw new EngineException(Reason.STALE, image.name() + " was deleted or reverted since it was opened");
        }
        if (write && !writable) {
            throw new EngineException(Reason.READ_ONLY, image.name() + " is open read-only");
        }
        if (offset < 0 || length < 0 || offset > sizeBytes - length) {
            throw new EngineException(
                    Reason.OUT_OF_RANGE, "offset " + offset + " length " + length + " past " + sizeBytes);
        }
    }

    @FunctionalInterface
    private interface Submission {
        /** Hands the request to librbd with {@code completion}; a negative result means it was not accepted. */
        long submit(MemorySegment completion);
    }

    /** Submits one request and waits for librbd to complete it. */
    private long submit(String what, MemorySegment buffer, Submission submission) throws IOException {
        long request = NEXT_REQUEST.getAndIncrement();
        CompletableFuture<Long> done = new CompletableFuture<>();
        PENDING.put(request, new Pending(done, buffer));
        try (Arena call = Arena.ofConfined()) {
            MemorySegment completion = call.allocate(ADDRESS);
            Errno.check(
                    Librbd.rbdAioCreateCompletion(MemorySegment.ofAddress(request), ON_COMPLETE, completion),
                    "creating a completion");
            MemorySegment handle = completion.get(ADDRESS, 0);
            long accepted = submission.submit(handle);
            if (accepted < 0) {
                PENDING.remove(request);
                Librbd.rbdAioRelease(handle);
                return Errno.check(accepted, what);
            }
            return Errno.check(done.get(timeoutSeconds, TimeUnit.SECONDS), what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " was interrupted", e);
        } catch (TimeoutException e) {
            throw new EngineException(Reason.UNAVAILABLE, what + " got no answer from the Ceph cluster in time");
        } catch (ExecutionException e) {
            throw new IOException(what + " failed", e.getCause());
        }
    }

    /** librbd's completion callback, on one of its threads: the request's result goes to its waiting caller. */
    static void completed(MemorySegment completion, MemorySegment argument) {
        try {
            long result = Librbd.rbdAioGetReturnValue(completion);
            Librbd.rbdAioRelease(completion);
            Pending pending = PENDING.remove(argument.address());
            if (pending != null) {
                pending.done().complete(result);
            }
        } catch (Throwable e) {
            // Nothing may unwind into librbd; the waiting caller times out instead.
        }
    }
}
