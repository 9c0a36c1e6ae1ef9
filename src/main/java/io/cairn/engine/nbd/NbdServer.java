package io.cairn.engine.nbd;

import static java.util.Objects.requireNonNull;

import io.cairn.config.CairnConfig;
import io.cairn.engine.Engine;
import io.cairn.engine.NativeBuffers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NBD server (fixed-newstyle handshake, TLS with pre-shared keys as {@link CairnConfig.NbdTls} says; simple replies, or structured ones with the metadata contexts
 * {@code base:allocation} and {@code qemu:dirty-bitmap:<snapshot-id>} for clients that ask) exporting volumes and
 * snapshots of an {@link Engine}. Each connection runs on its own virtual thread, and each of its requests on another,
 * so one client can keep many requests in flight and many clients can connect at once. Clients are socket channels,
 * so that a plain client's read replies go from native buffers to the socket with no copy in the Java heap.
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);

    private final Engine engine;
    private final ExportPolicy policy;
    private final CairnConfig.NbdTls tls;
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    /** The buffers of read replies, shared by every connection. */
    private final NativeBuffers buffers = new NativeBuffers();

    private ServerSocketChannel listener;
    private Thread acceptor;
    private volatile boolean closed;
    /** How long a client may take over its option haggling, which holds a socket before any export is chosen. */
    private volatile Duration hagglingTimeout = Duration.ofSeconds(30);

    public NbdServer(Engine engine, ExportPolicy policy, CairnConfig.NbdTls tls) {
        this.engine = requireNonNull(engine, "engine is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.tls = requireNonNull(tls, "tls is null");
    }

    /** Listens on {@code host:port} (port 0 picks a free one) and starts accepting clients. */
    public NbdServer start(String host, int port) throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open();
        socket.socket().setReuseAddress(true);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
        } catch (IOException e) {
            socket.close();
            // The JDK's message ("Address already in use") does not say which address.
            throw new IOException("cannot listen for NBD on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        listener = socket;
        acceptor = Thread.ofVirtual().name("cairn-nbd-accept").start(this::acceptLoop);
        LOG.info("NBD server listening on {}:{} (TLS {})", host, port(), tls.settingValue());
        return this;
    }

    /** Shortens (or lengthens) the haggling timeout for clients accepted from now on. */
    NbdServer hagglingTimeout(Duration timeout) {
        hagglingTimeout = requireNonNull(timeout, "timeout is null");
        return this;
    }

    public int port() {
        return listener.socket().getLocalPort();
    }

    /** The pool read replies take their buffers from; every buffer is back once no reply is being sent. */
    NativeBuffers buffers() {
        return buffers;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept().socket();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("NBD accept failed", e);
                }
                continue;
            }
            NbdConnection connection = new NbdConnection(client, engine, policy, tls, buffers, hagglingTimeout);
            connections.add(connection);
            Thread.ofVirtual()
                    .name("cairn-nbd-" + client.getRemoteSocketAddress())
                    .start(() -> {
                        try {
                            connection.serve();
                        } finally {
                            connections.remove(connection);
                        }
                    });
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the NBD listener", e);
        }
        connections.forEach(NbdConnection::close);
        if (acceptor != null) {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static boolean isDisconnect(IOException e) {
        return e instanceof java.io.EOFException || e instanceof SocketException;
    }
}
