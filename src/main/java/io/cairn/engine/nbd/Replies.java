package io.cairn.engine.nbd;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The replies of the transmission phase, each written whole under one lock since requests finish on many threads:
 * simple replies, and once the client negotiated them, the structured replies the protocol then requires (a read's
 * data, every error with its message, block status).
 */
final class Replies {
    /** The longest error message the protocol allows, in characters so that a cut never splits one. */
    private static final int MAX_MESSAGE_CHARS = 4096 / 4;

    private final DataOutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean structured;

    Replies(DataOutputStream out) {
        this.out = out;
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
        lock.lock();
        try {
            if (data.hasRemaining()) {
                header(Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_OFFSET_DATA, cookie, 8 + data.remaining());
                out.writeLong(offset);
                out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
            } else {
                header(Nbd.REPLY_FLAG_DONE, Nbd.REPLY_TYPE_NONE, cookie, 0); // a read of nothing has no content chunk
            }
            out.flush();
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
            out.writeInt(Nbd.SIMPLE_REPLY_MAGIC);
            out.writeInt(errno);
            out.writeLong(cookie);
            if (data != null) {
                out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
            }
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    private void header(int flags, int type, long cookie, int length) throws IOException {
        out.writeInt(Nbd.STRUCTURED_REPLY_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeInt(length);
    }
}
