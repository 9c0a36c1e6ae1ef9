package io.cairn.engine.nbd;

import io.cairn.config.CairnConfig;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.Engine;
import io.cairn.engine.EngineException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The option haggling of one NBD connection (fixed newstyle): TLS, export listing, metadata contexts, and the export
 * the client enters. Anything malformed that leaves the stream in an unknown state (a bad magic number, an oversized
 * option) ends the connection; anything else is answered with an error reply and the haggling goes on. Under
 * {@code nbd-tls=required} nothing but NBD_OPT_STARTTLS (or ABORT) is answered before TLS, and after it the connection
 * reaches only what the identity it proved reaches.
 */
final class Haggling {
    private static final Logger LOG = LoggerFactory.getLogger(Haggling.class);
    private static final int MAX_OPTION_LENGTH = 64 * 1024;
    private static final int MAX_NAME_LENGTH = 4096;
    private static final int PREFERRED_BLOCK_SIZE = 4096;

    /**
     * What transmission serves: the connection's input and replies (inside TLS when it was started), the device, and
     * the block status of the contexts selected for it.
     */
    record Session(DataInputStream in, Replies replies, BlockDevice device, BlockStatus status) {}

    private record Selection(String exportName, List<MetaContexts.Context> contexts) {}

    /** An export as the policy resolved it, and its device. */
    private record Opened(ExportPolicy.Export export, BlockDevice device) {}

    private final Socket socket;
    private final Engine engine;
    private final ExportPolicy policy;
    private final CairnConfig.NbdTls tls;
    private DataInputStream in;
    private DataOutputStream out;
    private Replies replies;
    /** What this connection may open: everything until TLS proves an identity, which narrows it to that identity's. */
    private ExportPolicy.Reach reach = ExportPolicy.Reach.EVERYTHING;

    private boolean encrypted;
    /** The contexts the last NBD_OPT_SET_META_CONTEXT selected, and for which export; they hold for that one only. */
    private Selection selection = new Selection("", List.of());

    Haggling(
            Socket socket,
            Engine engine,
            ExportPolicy policy,
            CairnConfig.NbdTls tls,
            DataInputStream in,
            DataOutputStream out) {
        this.socket = socket;
        this.engine = engine;
        this.policy = policy;
        this.tls = tls;
        this.in = in;
        this.out = out;
        this.replies = new Replies(out, Optional.ofNullable(socket.getChannel())); // plain: data to the channel
    }

    /** Returns what to serve, or null when the client ended the haggling. */
    Session run() throws IOException {
        out.writeLong(Nbd.NBDMAGIC);
        out.writeLong(Nbd.IHAVEOPT);
        out.writeShort(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
        out.flush();
        int clientFlags = in.readInt();
        if ((clientFlags & ~(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES)) != 0) {
            return null; // the protocol requires hanging up on unknown client flags
        }
        boolean noZeroes = (clientFlags & Nbd.CLIENT_FLAG_NO_ZEROES) != 0;
        while (true) {
            if (in.readLong() != Nbd.IHAVEOPT) {
                return null;
            }
            int option = in.readInt();
            int length = in.readInt();
            if (length < 0 || length > MAX_OPTION_LENGTH) {
                return null;
            }
            byte[] payload = in.readNBytes(length);
            if (payload.length != length) {
                return null;
            }
            if (tls == CairnConfig.NbdTls.REQUIRED
                    && !encrypted
                    && option != Nbd.OPT_STARTTLS
                    && option != Nbd.OPT_ABORT) {
                if (option == Nbd.OPT_EXPORT_NAME) {
                    return null; // this old option has no way to report an error but hanging up
                }
                optionError(option, Nbd.REP_ERR_TLS_REQD, "TLS is required: send NBD_OPT_STARTTLS first");
                continue;
            }
            switch (option) {
                case Nbd.OPT_EXPORT_NAME -> {
                    Optional<String> name = decodeName(payload);
                    Optional<Opened> opened;
                    try {
                        opened = name.isPresent() ? openExport(name.get()) : Optional.empty();
                    } catch (EngineException e) {
                        opened = Optional.empty();
                    }
                    if (opened.isEmpty()) {
                        return null; // this old option has no way to report an error but hanging up
                    }
                    BlockDevice device = opened.get().device();
                    out.writeLong(device.sizeBytes());
                    out.writeShort(transmissionFlags(device));
                    if (!noZeroes) {
                        out.write(new byte[124]);
                    }
                    out.flush();
                    return session(name.get(), opened.get());
                }
                case Nbd.OPT_ABORT -> {
                    optionReply(option, Nbd.REP_ACK, new byte[0]);
                    return null;
                }
                case Nbd.OPT_LIST -> list(option, length);
                case Nbd.OPT_INFO, Nbd.OPT_GO -> {
                    Session session = info(option, payload);
                    if (session != null) {
                        if (option == Nbd.OPT_GO) {
                            return session;
                        }
                        session.device().close();
                    }
                }
                case Nbd.OPT_STRUCTURED_REPLY -> {
                    if (length != 0) {
                        optionError(option, Nbd.REP_ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data");
                    } else {
                        replies.useStructured();
                        optionReply(option, Nbd.REP_ACK, new byte[0]);
                    }
                }
                case Nbd.OPT_LIST_META_CONTEXT, Nbd.OPT_SET_META_CONTEXT -> metaContext(option, payload);
                case Nbd.OPT_STARTTLS -> startTls(option, length);
                default -> optionError(option, Nbd.REP_ERR_UNSUP, "option " + option + " is not supported");
            }
        }
    }

    /**
     * Answers NBD_OPT_STARTTLS and runs the TLS handshake; the haggling then starts over inside TLS, with nothing
     * negotiated before it kept, and the connection reaches what the identity it proved reaches.
     *
     * @throws IOException when the handshake fails (an unknown or revoked identity, a wrong key): the connection ends
     */
    private void startTls(int option, int length) throws IOException {
        if (tls == CairnConfig.NbdTls.OFF) {
            optionError(
                    option, Nbd.REP_ERR_POLICY, "TLS is not offered; the NBD server listens on a trusted network only");
            return;
        }
        if (encrypted || length != 0) {
            optionError(
                    option,
                    Nbd.REP_ERR_INVALID,
                    encrypted ? "TLS is already in use" : "NBD_OPT_STARTTLS takes no data");
            return;
        }
        optionReply(option, Nbd.REP_ACK, new byte[0]);
        AtomicReference<ExportPolicy.Credential> proved = new AtomicReference<>();
        PskTls.Session session;
        try {
            session = PskTls.accept(in, out, identity -> {
                Optional<ExportPolicy.Credential> credential = policy.credential(identity);
                credential.ifPresent(proved::set);
                return credential.map(ExportPolicy.Credential::key);
            });
        } catch (IOException e) {
            LOG.info("NBD client {} failed the TLS handshake: {}", socket.getRemoteSocketAddress(), e.toString());
            throw e;
        }
        in = new DataInputStream(new BufferedInputStream(session.in(), 256 * 1024));
        out = new DataOutputStream(new BufferedOutputStream(session.out(), Replies.STREAM_BUFFER_BYTES));
        replies = new Replies(out, Optional.empty()); // the channel now carries TLS records
        selection = new Selection("", List.of());
        reach = proved.get().reach();
        encrypted = true;
        LOG.debug(
                "NBD client {} is TLS identity {} ({})",
                socket.getRemoteSocketAddress(),
                session.identity(),
                session.version());
    }

    private void list(int option, int length) throws IOException {
        if (length != 0) {
            optionError(option, Nbd.REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
            return;
        }
        List<String> names = policy.list(reach);
        for (String name : names) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            optionReply(
                    option,
                    Nbd.REP_SERVER,
                    ByteBuffer.allocate(4 + bytes.length)
                            .putInt(bytes.length)
                            .put(bytes)
                            .array());
        }
        optionReply(option, Nbd.REP_ACK, new byte[0]);
    }

    /**
     * Answers NBD_OPT_LIST_META_CONTEXT (the contexts the queries match, ids zero) or NBD_OPT_SET_META_CONTEXT (the
     * contexts selected, numbered from one, replacing any selection before, even when it fails).
     */
    private void metaContext(int option, byte[] payload) throws IOException {
        boolean listing = option == Nbd.OPT_LIST_META_CONTEXT;
        if (!listing) {
            selection = new Selection("", List.of());
            if (!replies.structured()) {
                optionError(
                        option,
                        Nbd.REP_ERR_INVALID,
                        "NBD_OPT_SET_META_CONTEXT needs structured replies (NBD_OPT_STRUCTURED_REPLY) first");
                return;
            }
        }
        Optional<MetaContexts.Request> request = MetaContexts.Request.parse(payload);
        if (request.isEmpty()) {
            optionError(
                    option,
                    Nbd.REP_ERR_INVALID,
                    "the export name or a query is malformed (lengths, or not UTF-8 of at most " + MAX_NAME_LENGTH
                            + " bytes)");
            return;
        }
        String name = request.get().exportName();
        Optional<ExportPolicy.Export> export = resolve(name);
        if (export.isEmpty()) {
            optionError(option, Nbd.REP_ERR_UNKNOWN, "no export named '" + name + "'");
            return;
        }
        List<MetaContexts.Context> matched =
                MetaContexts.match(request.get().queries(), () -> bitmapSnapshots(export.get()), listing);
        for (int i = 0; i < matched.size(); i++) {
            byte[] context = matched.get(i).name().getBytes(StandardCharsets.UTF_8);
            optionReply(
                    option,
                    Nbd.REP_META_CONTEXT,
                    ByteBuffer.allocate(4 + context.length)
                            .putInt(listing ? 0 : i + 1)
                            .put(context)
                            .array());
        }
        optionReply(option, Nbd.REP_ACK, new byte[0]);
        if (!listing) {
            selection = new Selection(name, matched);
        }
    }

    private List<String> bitmapSnapshots(ExportPolicy.Export export) {
        try {
            return policy.bitmapSnapshots(export);
        } catch (RuntimeException e) {
            LOG.warn("the export policy cannot list the snapshots of volume {}", export.volumeId(), e);
            return List.of(); // no bitmap is offered now; base:allocation still is
        }
    }

    /** Answers NBD_OPT_INFO or NBD_OPT_GO; returns what to serve on success. */
    private Session info(int option, byte[] payload) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(payload);
        if (data.remaining() < 4) {
            optionError(option, Nbd.REP_ERR_INVALID, "the request is too short");
            return null;
        }
        int nameLength = data.getInt();
        if (nameLength < 0 || nameLength > data.remaining() - 2) {
            optionError(option, Nbd.REP_ERR_INVALID, "the export name length does not match the request");
            return null;
        }
        byte[] nameBytes = new byte[nameLength];
        data.get(nameBytes);
        int requests = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != requests * 2) {
            optionError(option, Nbd.REP_ERR_INVALID, "the information requests do not match the request length");
            return null;
        }
        boolean blockSizeWanted = false;
        for (int i = 0; i < requests; i++) {
            blockSizeWanted |= data.getShort() == Nbd.INFO_BLOCK_SIZE;
        }
        Optional<String> name = decodeName(nameBytes);
        if (name.isEmpty()) {
            optionError(
                    option,
                    Nbd.REP_ERR_INVALID,
                    "the export name is not valid UTF-8 of at most " + MAX_NAME_LENGTH + " bytes");
            return null;
        }
        Optional<Opened> opened;
        try {
            opened = openExport(name.get());
        } catch (EngineException e) {
            optionError(
                    option, Nbd.REP_ERR_UNKNOWN, "export '" + name.get() + "' cannot be opened now: " + e.getMessage());
            return null;
        }
        if (opened.isEmpty()) {
            optionError(
                    option,
                    Nbd.REP_ERR_UNKNOWN,
                    "no export named '" + name.get()
                            + "' (volumes are exported while available or in-use, snapshots while available)");
            return null;
        }
        BlockDevice device = opened.get().device();
        optionReply(
                option,
                Nbd.REP_INFO,
                ByteBuffer.allocate(12)
                        .putShort((short) Nbd.INFO_EXPORT)
                        .putLong(device.sizeBytes())
                        .putShort((short) transmissionFlags(device))
                        .array());
        if (blockSizeWanted) {
            optionReply(
                    option,
                    Nbd.REP_INFO,
                    ByteBuffer.allocate(14)
                            .putShort((short) Nbd.INFO_BLOCK_SIZE)
                            .putInt(1)
                            .putInt(PREFERRED_BLOCK_SIZE)
                            .putInt(Nbd.MAX_PAYLOAD)
                            .array());
        }
        optionReply(option, Nbd.REP_ACK, new byte[0]);
        return session(name.get(), opened.get());
    }

    /** The session of the export entered: the contexts selected count only when they were selected for it. */
    private Session session(String name, Opened opened) {
        List<MetaContexts.Context> contexts = selection.exportName().equals(name) ? selection.contexts() : List.of();
        return new Session(in, replies, opened.device(), new BlockStatus(engine, opened.export(), contexts));
    }

    private Optional<ExportPolicy.Export> resolve(String name) {
        try {
            return policy.resolve(name, reach);
        } catch (RuntimeException e) {
            LOG.warn("the export policy failed for '{}'", name, e);
            return Optional.empty();
        }
    }

    /**
     * The export behind a name, opened; empty when nothing is exported under it.
     *
     * @throws EngineException when the export exists but its data cannot be opened now (a storage cluster that does
     *     not answer)
     */
    private Optional<Opened> openExport(String name) throws EngineException {
        Optional<ExportPolicy.Export> export = resolve(name);
        if (export.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Opened(
                    export.get(),
                    engine.open(
                            export.get().volumeId(),
                            export.get().snapshotId(),
                            export.get().writable())));
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.NOT_FOUND) {
                return Optional.empty(); // deleted since the policy looked
            }
            LOG.warn("NBD export '{}' cannot be opened: {}", name, e.getMessage());
            throw e;
        }
    }

    /** A name or query as the protocol's strings are: UTF-8 of at most 4096 bytes; empty when it is not. */
    static Optional<String> decodeName(byte[] bytes) {
        if (bytes.length > MAX_NAME_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static int transmissionFlags(BlockDevice device) {
        int flags = Nbd.TFLAG_HAS_FLAGS | Nbd.TFLAG_SEND_FLUSH | Nbd.TFLAG_SEND_FUA | Nbd.TFLAG_CAN_MULTI_CONN;
        if (device.writable()) {
            flags |= Nbd.TFLAG_SEND_TRIM | Nbd.TFLAG_SEND_WRITE_ZEROES;
        } else {
            flags |= Nbd.TFLAG_READ_ONLY;
        }
        return flags;
    }

    private void optionReply(int option, int type, byte[] data) throws IOException {
        out.writeLong(Nbd.OPTION_REPLY_MAGIC);
        out.writeInt(option);
        out.writeInt(type);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private void optionError(int option, int type, String message) throws IOException {
        optionReply(option, type, message.getBytes(StandardCharsets.UTF_8));
    }
}
