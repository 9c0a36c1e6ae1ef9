package io.cairn.engine.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NBD protocol at the byte level: what a client gets for bad input, and that the server always survives it. */
class NbdServerTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path directory;

    private NbdFixture nbd;

    @BeforeEach
    void start() throws Exception {
        nbd = new NbdFixture(directory, 64 * 1024);
        nbd.createVolume("vol", 4L * MIB);
        nbd.snapshot("vol", "snap");
    }

    @AfterEach
    void stop() throws Exception {
        nbd.close();
    }

    @Test
    void listShowsTheExportsAndGoRefusesUnknownOnes() throws Exception {
        try (RawClient client = RawClient.handshake(nbd.server.port())) {
            client.option(Nbd.OPT_LIST, new byte[0]);
            List<String> names = new ArrayList<>();
            OptionReply reply;
            while ((reply = client.optionReply()).type() == Nbd.REP_SERVER) {
                names.add(new String(reply.data(), 4, reply.data().length - 4, StandardCharsets.UTF_8));
            }
            assertThat(reply.type()).isEqualTo(Nbd.REP_ACK);
            assertThat(names).containsExactlyInAnyOrder("vol", "snap");

            client.option(Nbd.OPT_GO, goPayload("no-such-volume"));
            reply = client.optionReply();
            assertThat(reply.type()).isEqualTo(Nbd.REP_ERR_UNKNOWN);
            assertThat(new String(reply.data(), StandardCharsets.UTF_8)).contains("no-such-volume");

            client.option(Nbd.OPT_GO, new byte[] {0, 0, 1, 0}); // a name length longer than the request
            assertThat(client.optionReply().type()).isEqualTo(Nbd.REP_ERR_INVALID);
            client.option(99, new byte[] {1, 2, 3});
            assertThat(client.optionReply().type()).isEqualTo(Nbd.REP_ERR_UNSUP);

            client.option(Nbd.OPT_INFO, goPayload("snap"));
            OptionReply info = client.optionReply();
            assertThat(info.type()).isEqualTo(Nbd.REP_INFO);
            assertThat(info.data()[11] & Nbd.TFLAG_READ_ONLY).isNotZero();
        }
        assertThatThrownBy(() -> nbd.connect("missing")).isInstanceOf(NbdClient.NbdException.class);
    }

    @Test
    void aClientSilentWhileHagglingIsDroppedAndOneWithAnExportMayIdle() throws Exception {
        nbd.server.hagglingTimeout(Duration.ofMillis(500));
        try (NbdClient idle = nbd.connect("vol");
                RawClient silent = RawClient.handshake(nbd.server.port())) {
            silent.socket().setSoTimeout(10_000);
            assertThat(silent.in().read())
                    .as("the silent client's connection, closed by the server")
                    .isEqualTo(-1);

            Thread.sleep(1_000); // twice the haggling timeout, after the haggling
            byte[] data = new byte[4096];
            idle.read(0, data, 0, data.length);
            assertThat(data).containsOnly(0);
        }
    }

    @Test
    void theOldExportNameOptionHangsUpOnAnUnknownExport() throws Exception {
        try (RawClient client = RawClient.handshake(nbd.server.port())) {
            client.option(Nbd.OPT_EXPORT_NAME, "missing".getBytes(StandardCharsets.UTF_8));
            assertThat(client.in.read()).isEqualTo(-1);
        }
        try (RawClient client = RawClient.handshake(nbd.server.port())) {
            client.option(Nbd.OPT_EXPORT_NAME, "vol".getBytes(StandardCharsets.UTF_8));
            assertThat(client.in.readLong()).isEqualTo(4L * MIB);
            assertThat(client.in.readUnsignedShort() & Nbd.TFLAG_SEND_FLUSH).isNotZero();
        }
    }

    @Test
    void badRequestsGetErrorsAndTheConnectionGoesOn() throws Exception {
        try (NbdClient volume = nbd.connect("vol");
                NbdClient snapshot = nbd.connect("snap")) {
            assertThat(snapshot.readOnly()).isTrue();
            assertErrno(() -> volume.read(4L * MIB - 10, 11), Nbd.EINVAL);
            assertErrno(() -> volume.write(4L * MIB, new byte[1]), Nbd.ENOSPC);
            assertErrno(() -> volume.writeZeroes(4L * MIB - 1, 2), Nbd.ENOSPC);
            assertErrno(() -> volume.trim(-1, 1), Nbd.EINVAL);
            assertErrno(() -> snapshot.write(0, new byte[] {1}), Nbd.EPERM);
            assertErrno(() -> snapshot.trim(0, 4096), Nbd.EPERM);

            volume.write(0, new byte[] {1, 2, 3}, 0, 3, true);
            assertThat(volume.read(0, 3)).containsExactly(1, 2, 3);
            assertThat(snapshot.read(0, 3)).containsExactly(0, 0, 0);
        }
    }

    @Test
    void garbageEndsOnlyTheConnectionThatSentIt() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            try (Socket socket = new Socket("127.0.0.1", nbd.server.port())) {
                socket.getOutputStream().write(garbage);
                socket.shutdownOutput();
                socket.getInputStream().readAllBytes();
            }
        }
        try (RawClient client = RawClient.handshake(nbd.server.port())) {
            client.option(Nbd.OPT_GO, goPayload("vol"));
            while (client.optionReply().type() != Nbd.REP_ACK) {
                continue;
            }
            client.out.writeInt(0xdeadbeef); // not a request magic: the server cannot find the next request
            client.out.write(new byte[24]);
            client.out.flush();
            assertThat(client.in.read()).isEqualTo(-1);
        }
        try (NbdClient client = nbd.connect("vol")) {
            assertThat(client.read(0, 4)).hasSize(4);
        }
    }

    @Test
    void concurrentClientsEachSeeTheirOwnWrites() throws Exception {
        int clients = 8;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit((Callable<Boolean>) () -> {
                    try (NbdClient connection = nbd.connect("vol")) {
                        byte[] pattern = new byte[128 * 1024];
                        Arrays.fill(pattern, (byte) (client + 1));
                        long base = (long) client * (4L * MIB / clients);
                        for (int i = 0; i < 4; i++) {
                            connection.write(base + i * pattern.length, pattern);
                        }
                        connection.flush();
                        for (int i = 0; i < 4; i++) {
                            if (!Arrays.equals(connection.read(base + i * pattern.length, pattern.length), pattern)) {
                                return false;
                            }
                        }
                        return true;
                    }
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void metadataContextsNeedStructuredRepliesAndHoldOnlyForTheExportTheyWereSetFor() throws Exception {
        try (RawClient client = RawClient.handshake(nbd.server.port())) {
            client.option(Nbd.OPT_SET_META_CONTEXT, contextPayload("vol", "base:allocation"));
            assertThat(client.optionReply().type()).isEqualTo(Nbd.REP_ERR_INVALID);
            client.option(Nbd.OPT_STRUCTURED_REPLY, new byte[0]);
            assertThat(client.optionReply().type()).isEqualTo(Nbd.REP_ACK);

            client.option(Nbd.OPT_LIST_META_CONTEXT, contextPayload("vol"));
            assertThat(contextReplies(client)).containsExactly("base:allocation", "qemu:dirty-bitmap:snap");
            client.option(Nbd.OPT_LIST_META_CONTEXT, contextPayload("vol", "qemu:dirty-bitmap:", "base:"));
            assertThat(contextReplies(client)).containsExactlyInAnyOrder("base:allocation", "qemu:dirty-bitmap:snap");
            client.option(Nbd.OPT_LIST_META_CONTEXT, contextPayload("snap"));
            assertThat(contextReplies(client)).containsExactly("base:allocation");
            client.option(Nbd.OPT_LIST_META_CONTEXT, contextPayload("missing"));
            assertThat(client.optionReply().type()).isEqualTo(Nbd.REP_ERR_UNKNOWN);
            client.option(Nbd.OPT_SET_META_CONTEXT, new byte[] {0, 0, 0, 9, 'v'});
            assertThat(client.optionReply().type()).isEqualTo(Nbd.REP_ERR_INVALID);

            // Wildcards select nothing; unknown namespaces and other volumes' snapshots are no contexts.
            client.option(
                    Nbd.OPT_SET_META_CONTEXT,
                    contextPayload(
                            "vol",
                            "base:",
                            "qemu:dirty-bitmap:",
                            "x-other:thing",
                            "qemu:dirty-bitmap:no-such-snapshot",
                            "qemu:dirty-bitmap:snap",
                            "base:allocation"));
            List<OptionReply> selected = new ArrayList<>();
            OptionReply reply;
            while ((reply = client.optionReply()).type() == Nbd.REP_META_CONTEXT) {
                selected.add(reply);
            }
            assertThat(reply.type()).isEqualTo(Nbd.REP_ACK);
            assertThat(selected)
                    .extracting(NbdServerTest::contextName)
                    .containsExactly("qemu:dirty-bitmap:snap", "base:allocation");
            assertThat(selected)
                    .extracting(r -> java.nio.ByteBuffer.wrap(r.data()).getInt())
                    .doesNotHaveDuplicates()
                    .doesNotContain(0);

            enter(client, "snap"); // not the export the contexts were set for
            client.request(Nbd.CMD_BLOCK_STATUS, 0, 7, 0, 4096);
            assertThat(client.structuredError(7)).isEqualTo(Nbd.EINVAL);
        }
    }

    @Test
    void blockStatusAnswersOneChunkPerContextAndOneExtentWhenAsked() throws Exception {
        byte[] data = new byte[MIB];
        Arrays.fill(data, (byte) 1);
        try (NbdClient writer = nbd.connect("vol")) {
            writer.write(MIB, data);
            writer.flush();
        }
        try (RawClient client = RawClient.handshake(nbd.server.port())) {
            client.option(Nbd.OPT_STRUCTURED_REPLY, new byte[0]);
            assertThat(client.optionReply().type()).isEqualTo(Nbd.REP_ACK);
            client.option(Nbd.OPT_SET_META_CONTEXT, contextPayload("vol", "base:allocation", "qemu:dirty-bitmap:snap"));
            Map<Integer, String> ids = new HashMap<>();
            OptionReply reply;
            while ((reply = client.optionReply()).type() == Nbd.REP_META_CONTEXT) {
                ids.put(java.nio.ByteBuffer.wrap(reply.data()).getInt(), contextName(reply));
            }
            enter(client, "vol");

            client.request(Nbd.CMD_BLOCK_STATUS, 0, 1, 0, 4 * MIB);
            Map<String, List<long[]>> all = client.blockStatus(1, ids);
            long hole = Nbd.STATE_HOLE | Nbd.STATE_ZERO;
            assertThat(all.get("base:allocation"))
                    .containsExactly(new long[] {MIB, hole}, new long[] {MIB, 0}, new long[] {2 * MIB, hole});
            assertThat(all.get("qemu:dirty-bitmap:snap"))
                    .containsExactly(new long[] {MIB, 0}, new long[] {MIB, Nbd.STATE_DIRTY}, new long[] {2 * MIB, 0});

            client.request(Nbd.CMD_BLOCK_STATUS, Nbd.CMD_FLAG_REQ_ONE, 2, MIB + 4096, 8192);
            Map<String, List<long[]>> one = client.blockStatus(2, ids);
            assertThat(one.get("base:allocation")).containsExactly(new long[] {8192, 0});
            assertThat(one.get("qemu:dirty-bitmap:snap")).containsExactly(new long[] {8192, Nbd.STATE_DIRTY});

            client.request(Nbd.CMD_BLOCK_STATUS, 0, 3, 4 * MIB - 4096, 8192);
            assertThat(client.structuredError(3)).isEqualTo(Nbd.EINVAL);
            client.request(Nbd.CMD_READ, 0, 4, 4 * MIB - 10, 11);
            assertThat(client.structuredError(4)).isEqualTo(Nbd.EINVAL);
        }
    }

    @Test
    void aVolumesBlockStatusFollowsWritesFromOtherConnections() throws Exception {
        try (NbdClient status = NbdClient.connect("127.0.0.1", nbd.server.port(), "vol", "qemu:dirty-bitmap:snap");
                NbdClient writer = nbd.connect("vol")) {
            assertThat(status.blockStatus(0, 4L * MIB)).containsExactly(new NbdClient.Extent(0, 4L * MIB, 0));
            writer.write(2L * MIB, new byte[] {1});
            writer.flush();
            assertThat(status.blockStatus(0, 4L * MIB))
                    .containsExactly(
                            new NbdClient.Extent(0, 2L * MIB, 0),
                            new NbdClient.Extent(2L * MIB, 64 * 1024, NbdClient.DIRTY),
                            new NbdClient.Extent(2L * MIB + 64 * 1024, 2L * MIB - 64 * 1024, 0));
        }
    }

    @Test
    void ourClientReadsStructuredRepliesAndRefusesAContextNotOffered() throws Exception {
        try (NbdClient writer = nbd.connect("vol")) {
            writer.write(4096, new byte[] {9, 8, 7});
        }
        try (NbdClient client = NbdClient.connect("127.0.0.1", nbd.server.port(), "vol", "base:allocation")) {
            assertThat(client.read(4096, 3)).containsExactly(9, 8, 7);
            assertThat(client.blockStatus(0, 4L * MIB))
                    .containsExactly(
                            new NbdClient.Extent(0, 64 * 1024, 0),
                            new NbdClient.Extent(64 * 1024, 4L * MIB - 64 * 1024, NbdClient.HOLE | NbdClient.ZERO));
            assertErrno(() -> client.read(4L * MIB - 10, 11), Nbd.EINVAL);
            assertThat(client.read(0, 1)).containsExactly(0); // the connection goes on after an error chunk
        }
        assertThatThrownBy(() -> NbdClient.connect("127.0.0.1", nbd.server.port(), "snap", "qemu:dirty-bitmap:snap"))
                .isInstanceOf(NbdClient.NbdException.class)
                .hasMessageContaining("offers no metadata context 'qemu:dirty-bitmap:snap'");
    }

    private static void assertErrno(ThrowingCall call, int errno) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        NbdClient.NbdException.class, e -> assertThat(e.code()).isEqualTo(errno));
    }

    private interface ThrowingCall {
        void run() throws IOException;
    }

    private static byte[] goPayload(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + bytes.length + 2)
                .putInt(bytes.length)
                .put(bytes)
                .putShort((short) 0)
                .array();
    }

    private static byte[] contextPayload(String export, String... queries) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        try {
            byte[] name = export.getBytes(StandardCharsets.UTF_8);
            data.writeInt(name.length);
            data.write(name);
            data.writeInt(queries.length);
            for (String query : queries) {
                byte[] text = query.getBytes(StandardCharsets.UTF_8);
                data.writeInt(text.length);
                data.write(text);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String contextName(OptionReply reply) {
        return new String(reply.data(), 4, reply.data().length - 4, StandardCharsets.UTF_8);
    }

    private static List<String> contextReplies(RawClient client) throws IOException {
        List<String> names = new ArrayList<>();
        OptionReply reply;
        while ((reply = client.optionReply()).type() == Nbd.REP_META_CONTEXT) {
            names.add(contextName(reply));
        }
        assertThat(reply.type()).isEqualTo(Nbd.REP_ACK);
        return names;
    }

    private static void enter(RawClient client, String export) throws IOException {
        client.option(Nbd.OPT_GO, goPayload(export));
        OptionReply reply;
        while ((reply = client.optionReply()).type() != Nbd.REP_ACK) {
            assertThat(reply.type()).isEqualTo(Nbd.REP_INFO);
        }
    }

    private record OptionReply(int option, int type, byte[] data) {}

    /** A client that speaks the handshake by hand, to send what a well-behaved client never would. */
    private record RawClient(Socket socket, DataInputStream in, DataOutputStream out) implements AutoCloseable {
        static RawClient handshake(int port) throws IOException {
            Socket socket = new Socket("127.0.0.1", port);
            RawClient client = new RawClient(
                    socket,
                    new DataInputStream(socket.getInputStream()),
                    new DataOutputStream(socket.getOutputStream()));
            assertThat(client.in.readLong()).isEqualTo(Nbd.NBDMAGIC);
            assertThat(client.in.readLong()).isEqualTo(Nbd.IHAVEOPT);
            assertThat(client.in.readUnsignedShort() & Nbd.FLAG_FIXED_NEWSTYLE).isNotZero();
            client.out.writeInt(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES);
            return client;
        }

        void option(int option, byte[] data) throws IOException {
            out.writeLong(Nbd.IHAVEOPT);
            out.writeInt(option);
            out.writeInt(data.length);
            out.write(data);
            out.flush();
        }

        OptionReply optionReply() throws IOException {
            assertThat(in.readLong()).isEqualTo(Nbd.OPTION_REPLY_MAGIC);
            int option = in.readInt();
            int type = in.readInt();
            byte[] data = in.readNBytes(in.readInt());
            return new OptionReply(option, type, data);
        }

        void request(int type, int flags, long cookie, long offset, int length) throws IOException {
            out.writeInt(Nbd.REQUEST_MAGIC);
            out.writeShort(flags);
            out.writeShort(type);
            out.writeLong(cookie);
            out.writeLong(offset);
            out.writeInt(length);
            out.flush();
        }

        /** A reply that must be one structured error chunk; returns its errno. */
        int structuredError(long cookie) throws IOException {
            assertThat(in.readInt()).isEqualTo(Nbd.STRUCTURED_REPLY_MAGIC);
            assertThat(in.readUnsignedShort() & Nbd.REPLY_FLAG_DONE).isNotZero();
            assertThat(in.readUnsignedShort()).isEqualTo(Nbd.REPLY_TYPE_ERROR);
            assertThat(in.readLong()).isEqualTo(cookie);
            int length = in.readInt();
            int errno = in.readInt();
            int messageLength = in.readUnsignedShort();
            assertThat(messageLength).isPositive().isEqualTo(length - 6);
            in.readNBytes(messageLength);
            return errno;
        }

        /** A block status reply: per context name, its descriptors as (length, flags). */
        Map<String, List<long[]>> blockStatus(long cookie, Map<Integer, String> contexts) throws IOException {
            Map<String, List<long[]>> status = new HashMap<>();
            int flags;
            do {
                assertThat(in.readInt()).isEqualTo(Nbd.STRUCTURED_REPLY_MAGIC);
                flags = in.readUnsignedShort();
                assertThat(in.readUnsignedShort()).isEqualTo(Nbd.REPLY_TYPE_BLOCK_STATUS);
                assertThat(in.readLong()).isEqualTo(cookie);
                int length = in.readInt();
                String context = contexts.get(in.readInt());
                List<long[]> descriptors = new ArrayList<>();
                for (int i = 0; i < (length - 4) / 8; i++) {
                    descriptors.add(new long[] {Integer.toUnsignedLong(in.readInt()), in.readInt()});
                }
                assertThat(status.put(context, descriptors)).isNull();
            } while ((flags & Nbd.REPLY_FLAG_DONE) == 0);
            assertThat(status.keySet()).containsExactlyInAnyOrderElementsOf(contexts.values());
            return status;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
