package io.cairn.engine.nbd;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A small NBD client (fixed newstyle, NBD_OPT_GO, one request at a time) for the command line's import and
 * export and for tests. Not thread-safe.
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

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final long sizeBytes;
    private final int flags;
    private long nextCookie = 1;

    private NbdClient(Socket socket, DataInputStream in, DataOutputStream out, long sizeBytes, int flags) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.sizeBytes = sizeBytes;
        this.flags = flags;
    }

    /** Connects and selects {@code exportName} with NBD_OPT_GO. */
    public static NbdClient connect(String host, int port, String exportName) throws IOException {
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
            byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
            out.writeLong(Nbd.IHAVEOPT);
            out.writeInt(Nbd.OPT_GO);
            out.writeInt(4 + name.length + 2);
            out.writeInt(name.length);
            out.write(name);
            out.writeShort(0);
            out.flush();
            long size = -1;
            int transmissionFlags = 0;
            while (true) {
                if (in.readLong() != Nbd.OPTION_REPLY_MAGIC) {
                    throw new IOException("bad option reply from the NBD server");
                }
                in.readInt(); // the option echoed
                int type = in.readInt();
                int length = in.readInt();
                byte[] data = in.readNBytes(length);
                if (type == Nbd.REP_ACK) {
                    break;
                }
                if (type < 0) {
                    throw new NbdException(
                            type,
                            "NBD server refused export '" + exportName + "': "
                                    + new String(data, StandardCharsets.UTF_8));
                }
                if (type == Nbd.REP_INFO && length >= 12 && ((data[0] << 8) | (data[1] & 0xff)) == Nbd.INFO_EXPORT) {
                    java.nio.ByteBuffer info = java.nio.ByteBuffer.wrap(data, 2, 10);
                    size = info.getLong();
                    transmissionFlags = Short.toUnsignedInt(info.getShort());
                }
            }
            if (size < 0) {
                throw new IOException("the NBD server sent no export information");
            }
            return new NbdClient(socket, in, out, size, transmissionFlags);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public boolean readOnly() {
        return (flags & Nbd.TFLAG_READ_ONLY) != 0;
    }

    public void read(long offset, byte[] into, int intoOffset, int length) throws IOException {
        request(Nbd.CMD_READ, 0, offset, length, null, 0);
        awaitReply();
        in.readFully(into, intoOffset, length);
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
        if (in.readInt() != Nbd.SIMPLE_REPLY_MAGIC) {
            throw new IOException("bad reply from the NBD server");
        }
        int error = in.readInt();
        long cookie = in.readLong();
        if (cookie != nextCookie - 1) {
            throw new IOException("the NBD server answered request " + cookie + " instead of " + (nextCookie - 1));
        }
        if (error != 0) {
            throw new NbdException(error, "the NBD server answered with error " + error);
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
