package io.cairn.engine.nbd;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A small NBD client (fixed newstyle, NBD_OPT_GO, one request at a time) for the command line's import and
 * export and for tests. Connected with a metadata context, it negotiates structured replies and asks that context's
 * block status. Not thread-safe.
 */
public final class NbdClient implements AutoCloseable {
    /** An error reply: {@code errno} as the server sent it, or an option reply type during the handshake. */
    public static final class NbdException extends IOException {
        private final int code;

        NbdException(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /**
     * The status of {@code length} bytes from {@code offset} in the context selected: for {@code base:allocation},
     * {@link #HOLE} and {@link #ZERO}; for a dirty bitmap, {@link #DIRTY}.
     */
    public record Extent(long offset, long length, int flags) {
        public boolean is(int flag) {
            return (flags & flag) != 0;
        }
    }

    public static final int HOLE = Nbd.STATE_HOLE;
    public static final int ZERO = Nbd.STATE_ZERO;
    public static final int DIRTY = Nbd.STATE_DIRTY;

    /** The longest range one block status request asks for: the largest 32-bit length aligned to 1 MiB. */
    private static final long MAX_STATUS_LENGTH = 0xfff00000L;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final long sizeBytes;
    private final int flags;
    private final boolean structured;
    private long nextCookie = 1;

    private NbdClient(
            Socket socket, DataInputStream in, DataOutputStream out, long sizeBytes, int flags, boolean structured) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.sizeBytes = sizeBytes;
        this.flags = flags;
        this.structured = structured;
    }

    /** Connects and selects {@code exportName} with NBD_OPT_GO; the replies are simple ones. */
    public static NbdClient connect(String host, int port, String exportName) throws IOException {
        return connect(host, port, exportName, Optional.empty(), Optional.empty());
    }

    /**
     * Connects with structured replies and {@code metaContext} selected (such as {@code base:allocation}), so that
     * {@link #blockStatus} answers for it.
     *
     * @throws NbdException when the server offers no structured replies or no such context on the export
     */
    public static NbdClient connect(String host, int port, String exportName, String metaContext) throws IOException {
        return connect(host, port, exportName, Optional.of(metaContext), Optional.empty());
    }

    /**
     * Connects as above, first over TLS proving {@code key} when one is given (NBD_OPT_STARTTLS).
     *
     * @throws NbdException when the server refuses TLS, the export or the context
     */
    public static NbdClient connect(
            String host, int port, String exportName, Optional<String> metaContext, Optional<PresharedKey> key)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 20));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 20));
            if (in.readLong() != Nbd.NBDMAGIC || in.readLong() != Nbd.IHAVEOPT) {
                throw new IOException("not an NBD newstyle server at " + host + ":" + port);
            }
            int serverFlags = in.readUnsignedShort();
            if ((serverFlags & Nbd.FLAG_FIXED_NEWSTYLE) == 0) {
                throw new IOException("the NBD server at " + host + ":" + port + " does not speak fixed newstyle");
            }
            out.writeInt(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | (serverFlags & Nbd.FLAG_NO_ZEROES));
            if (key.isPresent()) {
                option(out, Nbd.OPT_STARTTLS, new byte[0]);
                OptionReply reply = optionReply(in);
                if (reply.type() != Nbd.REP_ACK) {
                    throw new NbdException(reply.type(), "the NBD server refused TLS: " + reply.text());
                }
                PskTls.Session session = PskTls.connect(in, out, key.get());
                in = new DataInputStream(new BufferedInputStream(session.in(), 1 << 20));
                out = new DataOutputStream(new BufferedOutputStream(session.out(), 1 << 20));
            }
            byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
            if (metaContext.isPresent()) {
                selectContext(in, out, name, exportName, metaContext.get());
            }
            option(
                    out,
                    Nbd.OPT_GO,
                    ByteBuffer.allocate(4 + name.length + 2)
                            .putInt(name.length)
                            .put(name)
                            .putShort((short) 0)
                            .array());
            long size = -1;
            int transmissionFlags = 0;
            while (true) {
                OptionReply reply = optionReply(in);
                byte[] data = reply.data();
                if (reply.type() == Nbd.REP_ACK) {
                    break;
                }
                if (reply.type() < 0) {
                    throw new NbdException(
                            reply.type(), "NBD server refused export '" + exportName + "': " + reply.text());
                }
                if (reply.type() == Nbd.REP_INFO
                        && data.length >= 12
                        && ((data[0] << 8) | (data[1] & 0xff)) == Nbd.INFO_EXPORT) {
                    ByteBuffer info = ByteBuffer.wrap(data, 2, 10);
                    size = info.getLong();
                    transmissionFlags = Short.toUnsignedInt(info.getShort());
                }
            }
            if (size < 0) {
                throw new IOException("the NBD server sent no export information");
            }
            return new NbdClient(socket, in, out, size, transmissionFlags, metaContext.isPresent());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Negotiates structured replies, then selects the one context; refuses a server that grants neither. */
    private static void selectContext(
            DataInputStream in, DataOutputStream out, byte[] name, String exportName, String metaContext)
            throws IOException {
        option(out, Nbd.OPT_STRUCTURED_REPLY, new byte[0]);
        OptionReply structured = optionReply(in);
        if (structured.type() != Nbd.REP_ACK) {
            throw new NbdException(
                    structured.type(), "the NBD server does not offer structured replies: " + structured.text());
        }
        byte[] query = metaContext.getBytes(StandardCharsets.UTF_8);
        option(
                out,
                Nbd.OPT_SET_META_CONTEXT,
                ByteBuffer.allocate(4 + name.length + 4 + 4 + query.length)
                        .putInt(name.length)
                        .put(name)
                        .putInt(1)
                        .putInt(query.length)
                        .put(query)
                        .array());
        boolean selected = false;
        OptionReply reply;
        while ((reply = optionReply(in)).type() == Nbd.REP_META_CONTEXT) {
            selected |= reply.data().length > 4
                    && new String(reply.data(), 4, reply.data().length - 4, StandardCharsets.UTF_8).equals(metaContext);
        }
        if (reply.type() != Nbd.REP_ACK) {
            throw new NbdException(reply.type(), "NBD server refused export '" + exportName + "': " + reply.text());
        }
        if (!selected) {
            throw new NbdException(
                    Nbd.REP_ERR_UNKNOWN,
                    "export '" + exportName + "' offers no metadata context '" + metaContext + "'");
        }
    }

    private record OptionReply(int type, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private static void option(DataOutputStream out, int option, byte[] data) throws IOException {
        out.writeLong(Nbd.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private static OptionReply optionReply(DataInputStream in) throws IOException {
        if (in.readLong() != Nbd.OPTION_REPLY_MAGIC) {
            throw new IOException("bad option reply from the NBD server");
        }
        in.readInt(); // the option echoed
        int type = in.readInt();
        return new OptionReply(type, in.readNBytes(in.readInt()));
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public boolean readOnly() {
        return (flags & Nbd.TFLAG_READ_ONLY) != 0;
    }

    public void read(long offset, byte[] into, int intoOffset, int length) throws IOException {
        request(Nbd.CMD_READ, 0, offset, length, null, 0);
        awaitReply(offset, length, into, intoOffset, null);
    }

    public byte[] read(long offset, int length) throws IOException {
        byte[] data = new byte[length];
        read(offset, data, 0, length);
        return data;
    }

    public void write(long offset, byte[] data, int dataOffset, int length, boolean fua) throws IOException {
        request(Nbd.CMD_WRITE, fua ? Nbd.CMD_FLAG_FUA : 0, offset, length, data, dataOffset);
        awaitReply();
    }

    public void write(long offset, byte[] data) throws IOException {
        write(offset, data, 0, data.length, false);
    }

    public void writeZeroes(long offset, long length) throws IOException {
        request(Nbd.CMD_WRITE_ZEROES, 0, offset, Math.toIntExact(length), null, 0);
        awaitReply();
    }

    public void trim(long offset, long length) throws IOException {
        request(Nbd.CMD_TRIM, 0, offset, Math.toIntExact(length), null, 0);
        awaitReply();
    }

    public void flush() throws IOException {
        request(Nbd.CMD_FLUSH, 0, 0, 0, null, 0);
        awaitReply();
    }

    /**
     * The status of the selected context from {@code offset}, consecutive extents that cover at least one byte and
     * at most {@code length} (the server may answer for less; ask again from where it stopped).
     */
    public List<Extent> blockStatus(long offset, long length) throws IOException {
        if (!structured) {
            throw new IllegalStateException("connected without a metadata context");
        }
        request(Nbd.CMD_BLOCK_STATUS, 0, offset, (int) Math.min(length, MAX_STATUS_LENGTH), null, 0);
        List<Extent> extents = new ArrayList<>();
        awaitReply(offset, 0, null, 0, extents);
        if (extents.isEmpty()) {
            throw new IOException("the NBD server answered a block status request without extents");
        }
        return extents;
    }

    private void request(int type, int commandFlags, long offset, int length, byte[] data, int dataOffset)
            throws IOException {
        out.writeInt(Nbd.REQUEST_MAGIC);
        out.writeShort(commandFlags);
        out.writeShort(type);
        out.writeLong(nextCookie++);
        out.writeLong(offset);
        out.writeInt(length);
        if (data != null) {
            out.write(data, dataOffset, length);
        }
        out.flush();
    }

    private void awaitReply() throws IOException {
        awaitReply(0, 0, null, 0, null);
    }

    /**
     * Reads the reply to the request just sent: a read's data into {@code into}, block status descriptors into
     * {@code extents}. A simple reply carries a read's data only without structured replies; a structured one ends
     * at the chunk marked done, and fails with the first error chunk's errno and message.
     */
    private void awaitReply(long offset, int length, byte[] into, int intoOffset, List<Extent> extents)
            throws IOException {
        int magic = in.readInt();
        if (magic == Nbd.SIMPLE_REPLY_MAGIC && !(structured && into != null)) {
            int error = in.readInt();
            checkCookie(in.readLong());
            if (error != 0) {
                throw new NbdException(error, "the NBD server answered with error " + error);
            }
            if (into != null) {
                in.readFully(into, intoOffset, length);
            }
            return;
        }
        if (magic != Nbd.STRUCTURED_REPLY_MAGIC || !structured) {
            throw new IOException("bad reply from the NBD server");
        }
        NbdException failure = null;
        long described = offset;
        int chunkFlags;
        do {
            chunkFlags = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            checkCookie(in.readLong());
            int chunkLength = in.readInt();
            if (type == Nbd.REPLY_TYPE_OFFSET_DATA && into != null && chunkLength > 8) {
                long at = in.readLong();
                int bytes = chunkLength - 8;
                requireWithin(at, bytes, offset, length);
                in.readFully(into, intoOffset + (int) (at - offset), bytes);
            } else if (type == Nbd.REPLY_TYPE_OFFSET_HOLE && into != null && chunkLength == 12) {
                long at = in.readLong();
                int bytes = in.readInt();
                requireWithin(at, bytes, offset, length);
                int from = intoOffset + (int) (at - offset);
                Arrays.fill(into, from, from + bytes, (byte) 0);
            } else if (type == Nbd.REPLY_TYPE_BLOCK_STATUS && extents != null && chunkLength % 8 == 4) {
                in.readInt(); // the context id: one context is selected
                for (int i = 0; i < chunkLength / 8; i++) {
                    long extentLength = Integer.toUnsignedLong(in.readInt());
                    extents.add(new Extent(described, extentLength, in.readInt()));
                    described += extentLength;
                }
            } else if ((type & Nbd.REPLY_TYPE_ERROR_BIT) != 0 && chunkLength >= 6) {
                int error = in.readInt();
                int messageLength = Math.min(in.readUnsignedShort(), chunkLength - 6);
                String message = new String(in.readNBytes(messageLength), StandardCharsets.UTF_8);
                in.skipNBytes(chunkLength - 6 - messageLength);
                if (failure == null) {
                    failure = new NbdException(error, "the NBD server answered with error " + error + ": " + message);
                }
            } else if (type != Nbd.REPLY_TYPE_NONE || chunkLength != 0) {
                throw new IOException("unexpected reply chunk type " + type + " from the NBD server");
            }
        } while ((chunkFlags & Nbd.REPLY_FLAG_DONE) == 0);
        if (failure != null) {
            throw failure;
        }
    }

    private void checkCookie(long cookie) throws IOException {
        if (cookie != nextCookie - 1) {
            throw new IOException("the NBD server answered request " + cookie + " instead of " + (nextCookie - 1));
        }
    }

    private static void requireWithin(long at, long bytes, long offset, int length) throws IOException {
        if (at < offset || bytes < 0 || at + bytes > offset + length) {
            throw new IOException("the NBD server sent data outside the range read");
        }
    }

    /** Sends NBD_CMD_DISC and closes the connection. */
    @Override
    public void close() throws IOException {
        try {
            if (!socket.isClosed()) {
                request(Nbd.CMD_DISC, 0, 0, 0, null, 0);
            }
        } finally {
            socket.close();
        }
    }
}
