package io.cairn.engine.nbd;

import io.cairn.config.CairnConfig;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.Engine;
import io.cairn.engine.EngineException;
import io.cairn.engine.NativeBuffers;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client: the option haggling ({@link Haggling}), then transmission. Anything malformed that leaves the stream in
 * an unknown state (a bad magic number, an oversized write) ends the connection; anything else is answered with an
 * error reply and the connection goes on. Nothing a client sends can end the server.
 * A client that negotiates structured replies may select metadata contexts ({@link MetaContexts}) and ask their
 * block status ({@link BlockStatus}); one that does not is answered with simple replies only.
 */
final class NbdConnection {
    private static final Logger LOG = LoggerFactory.getLogger(NbdConnection.class);
    /** Bytes of requests in flight per connection, so that a client cannot make the server buffer without bound. */
    private static final int IN_FLIGHT_BYTES = 64 << 20;

    private final Socket socket;
    private final Engine engine;
    private final ExportPolicy policy;
    private final CairnConfig.NbdTls tls;
    private final NativeBuffers buffers;
    private final Duration hagglingTimeout;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT_BYTES);

    NbdConnection(
            Socket socket,
            Engine engine,
            ExportPolicy policy,
            CairnConfig.NbdTls tls,
            NativeBuffers buffers,
            Duration hagglingTimeout) {
        this.socket = socket;
        this.engine = engine;
        this.policy = policy;
        this.tls = tls;
        this.buffers = buffers;
        this.hagglingTimeout = hagglingTimeout;
    }

    void serve() {
        BlockDevice device = null;
        try {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 256 * 1024));
            DataOutputStream out = new DataOutputStream(
                    new BufferedOutputStream(socket.getOutputStream(), Replies.STREAM_BUFFER_BYTES));
            // A client silent for this long while haggling is dropped (a read times out); once it has an export,
            // it may idle between requests as long as it likes.
            socket.setSoTimeout(Math.toIntExact(hagglingTimeout.toMillis()));
            Haggling.Session session = new Haggling(socket, engine, policy, tls, in, out).run();
            if (session != null) {
                device = session.device();
                socket.setSoTimeout(0);
                transmit(session);
            }
        } catch (IOException e) {
            if (!NbdServer.isDisconnect(e)) {
                LOG.debug("NBD client {} dropped: {}", socket.getRemoteSocketAddress(), e.toString());
            }
        } catch (RuntimeException e) {
            LOG.warn("NBD client {} ended by an unexpected error", socket.getRemoteSocketAddress(), e);
        } finally {
            if (device != null) {
                device.close();
            }
            close();
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing an NBD socket", e);
        }
    }

    // Transmission.

    private record Request(int flags, int type, long cookie, long offset, int length, ByteBuffer payload) {
        boolean fua() {
            return (flags & Nbd.CMD_FLAG_FUA) != 0;
        }
    }

    private void transmit(Haggling.Session session) throws IOException {
        DataInputStream in = session.in();
        Replies replies = session.replies();
        while (true) {
            if (in.readInt() != Nbd.REQUEST_MAGIC) {
                return; // out of step with the client: no way to find the next request
            }
            int flags = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            long cookie = in.readLong();
            long offset = in.readLong();
            int length = in.readInt();
            long unsignedLength = Integer.toUnsignedLong(length);
            ByteBuffer payload = null;
            if (type == Nbd.CMD_WRITE) {
                if (unsignedLength > Nbd.MAX_PAYLOAD) {
                    return; // too large to buffer, and skipping it would take as long as reading it
                }
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                payload = ByteBuffer.wrap(bytes);
            }
            if (type == Nbd.CMD_DISC) {
                inFlight.acquireUninterruptibly(IN_FLIGHT_BYTES); // let every request in flight finish first
                return;
            }
            if ((flags & ~Nbd.CMD_FLAGS_KNOWN) != 0) {
                replies.error(cookie, Nbd.EINVAL, "unknown command flags " + flags);
                continue;
            }
            if (type == Nbd.CMD_READ && unsignedLength > Nbd.MAX_PAYLOAD) {
                replies.error(cookie, Nbd.EINVAL, "a read of more than " + Nbd.MAX_PAYLOAD + " bytes");
                continue;
            }
            Request request = new Request(flags, type, cookie, offset, length, payload);
            int cost = (int) Math.max(1, Math.min(unsignedLength, Nbd.MAX_PAYLOAD));
            inFlight.acquireUninterruptibly(cost);
            Thread.ofVirtual().start(() -> {
                try {
                    execute(session, request);
                } finally {
                    inFlight.release(cost);
                }
            });
        }
    }

    private void execute(Haggling.Session session, Request request) {
        if (request.type() != Nbd.CMD_READ) {
            execute(session, request, Optional.empty());
            return;
        }
        // A read fills a pooled native buffer, which the reply sends; it goes back once the reply is written or failed.
        MemorySegment buffer = buffers.take(request.length());
        try {
            execute(
                    session,
                    request,
                    Optional.of(buffer.asSlice(0, request.length()).asByteBuffer()));
        } finally {
            buffers.give(buffer);
        }
    }

    /** Carries out a request (a read into {@code readBuffer}, present for reads only), then replies. */
    private void execute(Haggling.Session session, Request request, Optional<ByteBuffer> readBuffer) {
        Replies replies = session.replies();
        BlockDevice device = session.device();
        long length = Integer.toUnsignedLong(request.length());
        ByteBuffer data = null;
        List<BlockStatus.Chunk> status = null;
        int error = 0;
        String message = "";
        try {
            switch (request.type()) {
                case Nbd.CMD_READ -> {
                    data = readBuffer.orElseThrow();
                    device.read(request.offset(), data);
                    data.flip();
                }
                case Nbd.CMD_WRITE -> device.write(request.offset(), request.payload(), request.fua());
                case Nbd.CMD_FLUSH -> device.flush();
                case Nbd.CMD_TRIM -> device.trim(request.offset(), length, request.fua());
                case Nbd.CMD_WRITE_ZEROES -> device.writeZeroes(request.offset(), length, request.fua());
                case Nbd.CMD_BLOCK_STATUS -> {
                    if (session.status().isEmpty()) {
                        error = Nbd.EINVAL;
                        message = "no metadata context was selected for this export (NBD_OPT_SET_META_CONTEXT)";
                    } else if (length == 0 || request.offset() < 0 || request.offset() > device.sizeBytes() - length) {
                        error = Nbd.EINVAL;
                        message = "the range is empty or not within the export";
                    } else {
                        status = session.status()
                                .query(request.offset(), length, (request.flags() & Nbd.CMD_FLAG_REQ_ONE) != 0);
                    }
                }
                default -> {
                    error = Nbd.EINVAL;
                    message = "unknown command " + request.type();
                }
            }
        } catch (EngineException e) {
            error = errno(e, request.type());
            message = Objects.requireNonNullElse(e.getMessage(), e.reason().name());
        } catch (IOException | RuntimeException e) {
            LOG.warn("NBD request {} at {}+{} failed", request.type(), request.offset(), length, e);
            error = Nbd.EIO;
            message = "the server failed to carry out the request";
        }
        try {
            if (error != 0) {
                replies.error(request.cookie(), error, message);
            } else if (status != null) {
                replies.blockStatus(request.cookie(), status);
            } else if (data != null) {
                replies.data(request.cookie(), request.offset(), data);
            } else {
                replies.done(request.cookie());
            }
        } catch (IOException e) {
            close(); // the client is gone; the reader notices and ends the connection
        }
    }

    private static int errno(EngineException e, int type) {
        return switch (e.reason()) {
            case OUT_OF_RANGE -> type == Nbd.CMD_WRITE || type == Nbd.CMD_WRITE_ZEROES ? Nbd.ENOSPC : Nbd.EINVAL;
            case READ_ONLY -> Nbd.EPERM;
            case STALE -> Nbd.ESHUTDOWN;
            case NOT_FOUND, INVALID_ID, BUSY, UNAVAILABLE -> Nbd.EIO;
        };
    }
}
