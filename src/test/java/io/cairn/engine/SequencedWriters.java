package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Writers that make a group snapshot's consistency checkable. Each writer numbers its writes 0, 1, 2, ... and sends
 * write {@code n} to volume {@code n % volumes}, each write to a block of its own that records the writer and the
 * number; a writer waits for each acknowledgement before the next write. A set of snapshots taken at one instant then
 * holds, for every writer, exactly its writes 0 to some {@code k} (a prefix of its sequence across all the volumes);
 * snapshots taken one after another would show a gap: a later write on one volume without an earlier one on another.
 * With {@code acknowledgedBefore} read when the snapshot is requested and {@code startedAfter} when it completed, a
 * consistent cut also has every acknowledged write ({@code k >= acknowledgedBefore - 1}) and none that started after
 * ({@code k < startedAfter}). Writers run until stopped, at most {@code writesPerWriter} writes each, so that the
 * snapshot falls amid the writing however fast the data path is.
 */
public final class SequencedWriters implements AutoCloseable {
    public static final int BLOCK = 4096;

    /** Writes one block to a volume (by index) and returns once it is acknowledged. */
    @FunctionalInterface
    public interface Sink {
        void write(int volume, long offset, byte[] block) throws IOException;
    }

    /** Reads {@code length} bytes at {@code offset} of the snapshot of the volume with this index. */
    @FunctionalInterface
    public interface Source {
        byte[] read(int volume, long offset, int length) throws IOException;
    }

    private final int volumes;
    private final int writers;
    private final int writesPerWriter;
    private final AtomicLongArray acknowledged;
    private final AtomicLongArray started;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final CountDownLatch firstWrites;

    /** Starts the writers; each stops after {@code writesPerWriter} writes or at {@link #close()}. */
    public SequencedWriters(int volumes, int writers, int writesPerWriter, List<Sink> sinks) {
        this.volumes = volumes;
        this.writers = writers;
        this.writesPerWriter = writesPerWriter;
        this.acknowledged = new AtomicLongArray(writers);
        this.started = new AtomicLongArray(writers);
        this.firstWrites = new CountDownLatch(writers);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Sink sink = sinks.get(w);
            Thread thread = Thread.ofPlatform().name("sequenced-writer-" + w).start(() -> run(writer, sink));
            threads.add(thread);
        }
    }

    /** The volume size the writers need, in bytes. */
    public static long volumeBytes(int volumes, int writers, int writesPerWriter) {
        return (long) writers * slotsPerWriter(volumes, writesPerWriter) * BLOCK;
    }

    private static long slotsPerWriter(int volumes, int writesPerWriter) {
        return (writesPerWriter + volumes - 1) / volumes;
    }

    private void run(int writer, Sink sink) {
        try {
            for (long n = 0; n < writesPerWriter && !stop.get(); n++) {
                started.set(writer, n + 1);
                sink.write((int) (n % volumes), offset(writer, n), block(writer, n));
                acknowledged.set(writer, n + 1);
                if (n == 10) {
                    firstWrites.countDown();
                }
            }
        } catch (Throwable e) {
            synchronized (failures) {
                failures.add(e);
            }
        } finally {
            firstWrites.countDown();
        }
    }

    private long offset(int writer, long n) {
        return (writer * slotsPerWriter(volumes, writesPerWriter) + n / volumes) * BLOCK;
    }

    private static byte[] block(int writer, long n) {
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        while (block.remaining() >= 16) {
            block.putLong(writer + 1).putLong(n + 1);
        }
        return block.array();
    }

    /** Waits until every writer has had a few writes acknowledged, so a snapshot falls amid the writing. */
    public void awaitWriting() throws InterruptedException {
        firstWrites.await();
    }

    /** How many writes each writer has had acknowledged so far. */
    public long[] acknowledged() {
        return snapshot(acknowledged);
    }

    /** How many writes each writer has started so far (acknowledged or not). */
    public long[] started() {
        return snapshot(started);
    }

    private long[] snapshot(AtomicLongArray counts) {
        long[] copy = new long[writers];
        for (int i = 0; i < writers; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    /**
     * Asserts that the snapshots are one cut: each writer's writes in them are a prefix 0..k of its sequence with
     * {@code acknowledgedBefore[w] <= k + 1 <= startedAfter[w]}. Returns each writer's {@code k + 1}.
     */
    public long[] assertOneCut(Source snapshots, long[] acknowledgedBefore, long[] startedAfter) throws IOException {
        // A write that had not started by now cannot be in snapshots already taken: only the blocks of the writes
        // started so far need reading.
        long[] cut = prefixes(snapshots, started());
        for (int w = 0; w < writers; w++) {
            assertThat(cut[w])
                    .as("writer %d: writes in the snapshots, against those acknowledged before the request", w)
                    .isGreaterThanOrEqualTo(acknowledgedBefore[w]);
            assertThat(cut[w])
                    .as("writer %d: writes in the snapshots, against those started before the completion", w)
                    .isLessThanOrEqualTo(startedAfter[w]);
        }
        return cut;
    }

    /**
     * Asserts that the volumes (or snapshots) {@code source} reads hold exactly each writer's writes 0 to
     * {@code cut[w] - 1} of all those it has started (as after a revert to a cut).
     */
    public void assertHoldsExactly(Source source, long[] cut) throws IOException {
        assertThat(prefixes(source, started())).containsExactly(cut);
    }

    /** Each writer's writes found, as a prefix of its sequence; a gap followed by a later write fails. */
    private long[] prefixes(Source source, long[] upTo) throws IOException {
        long[] found = new long[writers];
        for (int w = 0; w < writers; w++) {
            byte[][] regions = new byte[volumes][];
            int blocks = (int) ((upTo[w] + volumes - 1) / volumes);
            for (int v = 0; v < volumes; v++) {
                regions[v] = blocks == 0 ? new byte[0] : source.read(v, offset(w, 0), blocks * BLOCK);
            }
            long present = 0;
            boolean gap = false;
            for (long n = 0; n < upTo[w]; n++) {
                boolean there = holds(regions[(int) (n % volumes)], (n / volumes) * BLOCK, w, n);
                if (there && gap) {
                    throw new AssertionError("writer " + w + "'s write " + n + " (volume " + (n % volumes)
                            + ") is there but its write " + present + " (volume " + (present % volumes)
                            + ") is not: the volumes were not read at one instant");
                }
                if (there) {
                    present = n + 1;
                } else {
                    gap = true;
                }
            }
            found[w] = present;
        }
        return found;
    }

    private static boolean holds(byte[] content, long offset, int writer, long n) {
        ByteBuffer block = ByteBuffer.wrap(content, Math.toIntExact(offset), BLOCK);
        long first = block.getLong();
        long second = block.getLong();
        if (first == 0 && second == 0) {
            return false;
        }
        assertThat(first).as("writer in block at %d", offset).isEqualTo(writer + 1);
        assertThat(second).as("write number in block at %d", offset).isEqualTo(n + 1);
        return true;
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops the writers and waits for them; rethrows the first writer's failure. */
    public void stop() {
        stop.set(true);
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while the writers stopped", e);
            }
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                throw new AssertionError("a writer failed", failures.getFirst());
            }
        }
    }
}
