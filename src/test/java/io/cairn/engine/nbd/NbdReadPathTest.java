package io.cairn.engine.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read replies come from pooled native buffers sized to the request: what a read returns wherever it falls (across
 * chunks, into chunks never written, larger than any buffer kept), while the map under it changes, and that every
 * buffer goes back to the pool, also when the client leaves before its replies are sent.
 */
class NbdReadPathTest {
    private static final int CHUNK = 64 * 1024;
    private static final int MIB = 1 << 20;
    private static final long SIZE = 40L * MIB;

    @TempDir
    Path directory;

    private NbdFixture nbd;
    /** What the volume holds, as written through the server. */
    private final byte[] model = new byte[(int) SIZE];

    @BeforeEach
    void start() throws Exception {
        nbd = new NbdFixture(directory, CHUNK);
        nbd.createVolume("vol", SIZE);
        Random random = new Random(15);
        try (NbdClient client = nbd.connect("vol")) {
            // Every third chunk written, from one byte into it to one byte into the next: the rest is never written.
            for (long chunk = 0; chunk < SIZE / CHUNK - 1; chunk += 3) {
                byte[] data = new byte[CHUNK];
                random.nextBytes(data);
                int offset = (int) (chunk * CHUNK + 1);
                client.write(offset, data);
                System.arraycopy(data, 0, model, offset, data.length);
            }
            client.flush();
        }
    }

    @AfterEach
    void stop() throws Exception {
        nbd.close();
    }

    @Test
    void readsAcrossChunksAndUnwrittenRegionsReturnWhatWasWritten() throws Exception {
        try (NbdClient simple = nbd.connect("vol");
                NbdClient structured = NbdClient.connect("127.0.0.1", nbd.server.port(), "vol", "base:allocation")) {
            Random random = new Random(16);
            for (int i = 0; i < 200; i++) {
                int length = 1 + random.nextInt(4 * CHUNK);
                long offset = random.nextLong(SIZE - length);
                NbdClient client = i % 2 == 0 ? simple : structured;
                assertThat(client.read(offset, length))
                        .as("%d bytes at %d", length, offset)
                        .isEqualTo(Arrays.copyOfRange(model, (int) offset, (int) offset + length));
            }
            assertThat(structured.read(SIZE - 1, 1)).containsExactly(model[(int) SIZE - 1]);
            assertThat(simple.read(5, 0)).isEmpty(); // a simple reply's header alone
            assertThat(structured.read(5, 0)).isEmpty();
            assertThat(simple.read(SIZE - 1, 1)).containsExactly(model[(int) SIZE - 1]); // still in step
        }
        assertEveryBufferComesBack();
    }

    @Test
    void theLargestReadAndOneOfNoPowerOfTwoSizeReturnExactlyTheirBytesAndGiveTheirBuffersBack() throws Exception {
        try (NbdClient client = NbdClient.connect("127.0.0.1", nbd.server.port(), "vol", "base:allocation")) {
            assertThat(client.read(3, Nbd.MAX_PAYLOAD)).isEqualTo(Arrays.copyOfRange(model, 3, 3 + Nbd.MAX_PAYLOAD));
            int odd = 5 * MIB + 123; // taken from an 8 MiB buffer, sent cut to its length
            assertThat(client.read(CHUNK - 7, odd)).isEqualTo(Arrays.copyOfRange(model, CHUNK - 7, CHUNK - 7 + odd));
        }
        try (NbdClient client = nbd.connect("vol")) {
            assertThat(client.read(SIZE - Nbd.MAX_PAYLOAD, Nbd.MAX_PAYLOAD))
                    .isEqualTo(Arrays.copyOfRange(model, (int) SIZE - Nbd.MAX_PAYLOAD, (int) SIZE));
        }
        assertEveryBufferComesBack();
    }

    @Test
    void readsWhileWritesMoveChunksToNewSlotsSeeEachChunkWholeOldOrNew() throws Exception {
        // Each write fills one chunk with one byte value after a snapshot shares it, so it lands in a fresh slot and
        // the map flips to it: a read sees the old chunk or the new one, never a mix, nor another map's bytes.
        long chunks = 16;
        byte before = 100;
        try (NbdClient client = nbd.connect("vol")) {
            byte[] fill = new byte[CHUNK];
            Arrays.fill(fill, before);
            for (long chunk = 0; chunk < chunks; chunk++) {
                client.write(chunk * CHUNK, fill);
            }
            client.flush();
        }
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (NbdClient client = nbd.connect("vol")) {
                for (int round = 1; round <= 40; round++) {
                    nbd.snapshot("vol", "snap-" + round);
                    byte[] fill = new byte[CHUNK];
                    Arrays.fill(fill, (byte) round);
                    for (long chunk = 0; chunk < chunks; chunk++) {
                        client.write(chunk * CHUNK, fill);
                    }
                    client.flush();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                done.set(true);
            }
        });
        int reads = 0;
        try (NbdClient client = NbdClient.connect("127.0.0.1", nbd.server.port(), "vol", "base:allocation")) {
            while (!done.get() || reads == 0) {
                byte[] data = client.read(0, (int) chunks * CHUNK);
                for (int chunk = 0; chunk < chunks; chunk++) {
                    byte first = data[chunk * CHUNK];
                    for (int i = chunk * CHUNK; i < (chunk + 1) * CHUNK; i++) {
                        if (data[i] != first) {
                            assertThat(data[i])
                                    .as("byte %d of chunk %d", i - chunk * CHUNK, chunk)
                                    .isEqualTo(first);
                        }
                    }
                    if (first != before) {
                        assertThat(first).isBetween((byte) 1, (byte) 40);
                    }
                }
                reads++;
            }
        }
        writer.get(60, TimeUnit.SECONDS);
        assertEveryBufferComesBack();
    }

    @Test
    void aClientThatLeavesWhileItsRepliesAreSentGetsItsBuffersBackToThePool() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096); // the replies pile up in the server's writes, not in this socket
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", nbd.server.port()));
                var in = new java.io.DataInputStream(socket.getInputStream());
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                assertThat(in.readLong()).isEqualTo(Nbd.NBDMAGIC);
                assertThat(in.readLong()).isEqualTo(Nbd.IHAVEOPT);
                in.readUnsignedShort();
                out.writeInt(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES);
                byte[] name = "vol".getBytes(StandardCharsets.UTF_8);
                byte[] go = ByteBuffer.allocate(4 + name.length + 2)
                        .putInt(name.length)
                        .put(name)
                        .putShort((short) 0)
                        .array();
                out.writeLong(Nbd.IHAVEOPT);
                out.writeInt(Nbd.OPT_GO);
                out.writeInt(go.length);
                out.write(go);
                out.flush();
                int type;
                do {
                    assertThat(in.readLong()).isEqualTo(Nbd.OPTION_REPLY_MAGIC);
                    in.readInt();
                    type = in.readInt();
                    in.readNBytes(in.readInt());
                } while (type != Nbd.REP_ACK);
                for (int i = 0; i < 6; i++) {
                    out.writeInt(Nbd.REQUEST_MAGIC);
                    out.writeShort(0);
                    out.writeShort(Nbd.CMD_READ);
                    out.writeLong(i);
                    out.writeLong((long) i * MIB);
                    out.writeInt(8 * MIB);
                }
                out.flush();
                in.readNBytes(1000); // the first reply has started
                socket.setSoLinger(true, 0); // a reset, not an orderly close: the server's pending writes fail
            }
        }
        assertEveryBufferComesBack();
        try (NbdClient client = nbd.connect("vol")) {
            assertThat(client.read(1, 16)).isEqualTo(Arrays.copyOfRange(model, 1, 17));
        }
    }

    /**
     * A reply's buffer goes back to the pool once its write completes, which the client may see before the server's
     * thread has moved on: wait for it rather than read the pool the instant the last reply arrived.
     */
    private void assertEveryBufferComesBack() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (nbd.server.buffers().lentBytes() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(nbd.server.buffers().lentBytes()).isZero();
    }
}
