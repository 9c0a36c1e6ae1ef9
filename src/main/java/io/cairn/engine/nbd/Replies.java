package io.cairn.engine.nbd;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The replies of the transmission phase, each written whole under one lock since requests finish on many threads:
 * simple replies, and once the client negotiated them, the structured replies the protocol then requires (a read's
 * data, every error with its message, block status).
 *
 * <p>A read's data goes to the socket channel when there is one (plain NBD): its header and its data leave in one
 * gathering write, straight from the buffer the read filled. Over TLS the data goes through the record layer's
 * stream, which takes arrays only.
 */
final class Replies {
    /** The longest error message the protocol allows, in characters so that a cut never splits one. */
    private static final int MAX_MESSAGE_CHARS = 4096 / 4;
    /** A structured reply's header and a read's offset, the longest header sent before data. */
    private static final int DATA_HEADER_BYTES = 28;
    /**
     * The buffer of the output stream replies are written to, and how much of a native buffer is copied into an array
     * at a time on the way to it: a piece this size passes the stream's buffer without a second copy.
     */
    static final int STREAM_BUFFER_BYTES = 256 * 1024;

    private final DataOutputStream out;
    private final Optional<GatheringByteChannel> channel;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}, as is {@link #staging}. */
    private final ByteBuffer header = ByteBuffer.allocateDirect(DATA_HEADER_BYTES);

    private byte[] staging;
    private boolean structured;

    /**
     * Replies on {@code out}; a read's data goes to {@code channel} instead when present, which must be the channel
     * under {@code out} with nothing buffered between them but what a reply flushes.
     */
    Replies(DataOutputStream out, Optional<GatheringByteChannel> channel) {
        this.out = out;
        this.channel = channel;
    }

    /**
     * From now on, reads and errors are answered with structured replies (NBD_OPT_STRUCTURED_REPLY). Called during
     * the handshake, before any request thread starts.
     */
    void useStructured() {
        structured = true;
    }

    boolean structured() {
        return structured;
    }

    /** A success without data (a write, trim, flush). */
    void done(long cookie) throws IOException {
        simple(cookie, 0, null);
    }

    /** A read's data: one content chunk, or a simple reply without structured replies. */
    void data(long cookie, long offset, ByteBuffer data) throws IOException {
        if (!structured) {
            simple(cookie, 0, data);
            return;
        }
        if (!data.hasRemaining()) {
            lock.lock();
            try {
                header(Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_NONE, cookie, 0); // a read of nothing has no content chunk
                out.flush();
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            header.clear()
                    .putInt(Nbd.STRUCTURED_REPLY_MAGIC)
                    .putShort((short) Nbd.REPLY_FLAG_DONE)
                    .putShort((short) Nbd.REPLY_TYPE_OFFSET_DATA)
                    .putLong(cookie)
                    .putInt(8 + data.remaining())
                    .putLong(offset)
                    .flip();
            send(data);
        } finally {
            lock.unlock();
        }
    }

    /** A failure: an error chunk with its message, or a simple reply with the errno alone. */
    void error(long cookie, int errno, String message) throws IOException {
        if (!structured) {
            simple(cookie, errno, null);
            return;
        }
        String shortened = message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message;
        byte[] text = shortened.getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            header(Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_ERROR, cookie, 6 + text.length);
            out.writeInt(errno);
            out.writeShort(text.length);
            out.write(text);
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** One block status chunk per context, the last one marked done. */
    void blockStatus(long cookie, List<BlockStatus.Chunk> chunks) throws IOException {
        lock.lock();
        try {
            for (int i = 0; i < chunks.size(); i++) {
                BlockStatus.Chunk chunk = chunks.get(i);
                header(
                        i == chunks.size() - 1 ? Nbd.REPLY_FLAG_DONE : 0,
                        Nbd.REPLY_TYPE_BLOCK_STATUS,
                        cookie,
                        4 + 8 * chunk.descriptors().size());
                out.writeInt(chunk.contextId());
                for (BlockStatus.Descriptor descriptor : chunk.descriptors()) {
                    out.writeInt((int) descriptor.length());
                    out.writeInt(descriptor.flags());
                }
            }
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    private void simple(long cookie, int errno, ByteBuffer data) throws IOException {
        lock.lock();
        try {
            if (data != null) {
                header.clear()
                        .putInt(Nbd.SIMPLE_REPLY_MAGIC)
                        .putInt(errno)
                        .putLong(cookie)
                        .flip();
                send(data);
                return;
            }
            out.writeInt(Nbd.SIMPLE_REPLY_MAGIC);
            out.writeInt(errno);
            out.writeLong(cookie);
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@link #header} then {@code data} (a native buffer, possibly empty); the caller holds the lock. */
    private void send(ByteBuffer data) throws IOException {
        if (channel.isPresent()) {
            ByteBuffer[] parts = {header, data};
            while (header.hasRemaining() || data.hasRemaining()) {
                channel.get().write(parts);
            }
            return;
        }
        while (header.hasRemaining()) {
            out.write(header.get());
        }
        if (staging == null) {
            staging = new byte[STREAM_BUFFER_BYTES];
        }
        while (data.hasRemaining()) {
            int length = Math.min(staging.length, data.remaining());
            data.get(staging, 0, length);
            out.write(staging, 0, length);
        }
        out.flush();
    }

    private void header(int flags, int type, long cookie, int length) throws IOException {
        out.writeInt(Nbd.STRUCTURED_REPLY_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeInt(length);
    }
}
