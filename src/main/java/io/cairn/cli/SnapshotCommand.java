package io.cairn.cli;

import io.cairn.domain.SnapshotBlocks;
import io.cairn.engine.nbd.NbdClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn snapshot export ID FILE}: a snapshot's bytes into a raw image, or with {@code --since} only what
 * changed since an older snapshot as an rbd diff v1 stream; {@code cairn snapshot import-diff FILE VOLUME} applies
 * such a stream to a volume. All of it over NBD from a running server.
 */
@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = "Work with snapshot data.",
        subcommands = {SnapshotCommand.Export.class, SnapshotCommand.ImportDiff.class})
public final class SnapshotCommand implements Runnable {
    private static final int BLOCK = 1 << 20;
    private static final int BLOCK_SIZE = SnapshotBlocks.BLOCK_SIZE;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** What to do with each extent of an export's map, in ascending order. */
    private interface ExtentHandler {
        void handle(NbdClient.Extent extent) throws IOException;
    }

    /** Walks the whole map of the context {@code client} selected, the progress bar following along. */
    private static void walk(NbdClient client, ProgressBar progress, ExtentHandler handler) throws IOException {
        long size = client.sizeBytes();
        long position = 0;
        while (position < size) {
            for (NbdClient.Extent extent : client.blockStatus(position, size - position)) {
                long end = Math.min(size, extent.offset() + extent.length());
                handler.handle(new NbdClient.Extent(extent.offset(), end - extent.offset(), extent.flags()));
                position = end;
                progress.update(position);
            }
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = {
                "Write an available snapshot to FILE as a raw image (sparse where the snapshot holds zeros).",
                "With --since, write only where it differs from an older snapshot of the same volume, as a Ceph"
                        + " 'rbd diff v1' stream that rbd import-diff and cairn snapshot import-diff apply."
            })
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "The snapshot id.")
        String snapshotId;

        @Parameters(index = "1", paramLabel = "FILE", description = "The file to write (replaced if it exists).")
        Path file;

        @Option(
                names = "--since",
                paramLabel = "OLDER",
                description = "An older available snapshot of the same volume: write the changes since it.")
        Optional<String> since = Optional.empty();

        @Mixin
        NbdEndpoint nbd;

        @Override
        public Integer call() throws IOException {
            boolean created = !Files.exists(file);
            try (FileChannel out = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                if (since.isPresent()) {
                    exportDiff(since.get(), out);
                } else {
                    exportImage(out);
                }
                out.force(true);
            } catch (IOException | RuntimeException e) {
                if (created) {
                    Files.deleteIfExists(file); // a failed export leaves no file behind that looks like one
                }
                throw e;
            }
            System.out.println(file);
            return 0;
        }

        /** The raw image: what base:allocation calls zeros is not read, and zero blocks are left as holes. */
        private void exportImage(FileChannel out) throws IOException {
            try (NbdClient client = nbd.connect(snapshotId, "base:allocation")) {
                long size = client.sizeBytes();
                ProgressBar progress = new ProgressBar("exporting snapshot " + snapshotId + " to " + file, size);
                byte[] block = new byte[BLOCK];
                walk(client, progress, extent -> {
                    if (extent.is(NbdClient.ZERO)) {
                        return;
                    }
                    long end = extent.offset() + extent.length();
                    for (long offset = extent.offset(); offset < end; offset += BLOCK) {
                        int length = (int) Math.min(BLOCK, end - offset);
                        client.read(offset, block, 0, length);
                        if (!Blocks.isZero(block, length)) {
                            ByteBuffer buffer = ByteBuffer.wrap(block, 0, length);
                            long position = offset;
                            while (buffer.hasRemaining()) {
                                position += out.write(buffer, position);
                            }
                        }
                    }
                });
                out.truncate(size);
                if (out.size() < size) {
                    out.write(ByteBuffer.allocate(1), size - 1); // extend a sparse tail to the full size
                }
            }
        }

        /**
         * The rbd diff: the dirty bitmap's extents, read in pieces that end on {@link SnapshotBlocks#BLOCK_SIZE}
         * boundaries; a piece of zeros (trimmed since, written with zeros, or reported by an engine that rounds out
         * further, as RBD does for an object created since) becomes a zero record, so data records carry only blocks
         * that changed.
         */
        private void exportDiff(String older, FileChannel channel) throws IOException {
            try (NbdClient client = nbd.connect(snapshotId, "qemu:dirty-bitmap:" + older)) {
                // Not closed here: that would close the channel, which the caller still forces to disk.
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BLOCK);
                long size = client.sizeBytes();
                ProgressBar progress = new ProgressBar(
                        "exporting the changes of snapshot " + snapshotId + " since " + older + " to " + file, size);
                RbdDiff.Writer diff = new RbdDiff.Writer(out, older, snapshotId, size);
                byte[] block = new byte[BLOCK];
                walk(client, progress, extent -> {
                    if (!extent.is(NbdClient.DIRTY)) {
                        return;
                    }
                    long end = extent.offset() + extent.length();
                    for (long offset = extent.offset(); offset < end; ) {
                        long next = Math.min(end, (offset / BLOCK_SIZE + 1) * BLOCK_SIZE);
                        int length = (int) (next - offset);
                        client.read(offset, block, 0, length);
                        if (Blocks.isZero(block, length)) {
                            diff.zero(offset, length);
                        } else {
                            diff.data(offset, block, length);
                        }
                        offset = next;
                    }
                });
                diff.end();
            }
        }
    }

    @Command(
            name = "import-diff",
            mixinStandardHelpOptions = true,
            description = {
                "Apply a Ceph 'rbd diff v1' stream FILE (cairn snapshot export --since, rbd export-diff) to a volume:"
                        + " its data records are written, its zero records written as zeros.",
                "Make the volume from the stream's older snapshot first; the whole stream is checked before anything"
                        + " is written, and one larger than the volume is refused."
            })
    static final class ImportDiff implements Callable<Integer> {
        /** The most one write-zeroes request asks for. */
        private static final long ZEROS_PER_REQUEST = 1L << 30;

        @Parameters(index = "0", paramLabel = "FILE", description = "The rbd diff v1 stream.")
        Path file;

        @Parameters(index = "1", paramLabel = "VOLUME", description = "The id of the volume to change.")
        String volumeId;

        @Mixin
        NbdEndpoint nbd;

        @Override
        public Integer call() throws IOException {
            try (NbdClient client = nbd.connect(volumeId)) {
                if (client.readOnly()) {
                    throw new IOException("export '" + volumeId + "' is read-only: import-diff changes a volume");
                }
                Pass check = new Pass(client, Optional.empty());
                try (InputStream in = open()) {
                    RbdDiff.read(in, check);
                }
                ProgressBar progress = new ProgressBar("applying " + file + " to volume " + volumeId, check.bytes);
                try (InputStream in = open()) {
                    RbdDiff.read(in, new Pass(client, Optional.of(progress)));
                }
                client.flush();
                progress.update(check.bytes);
            }
            System.out.println(volumeId);
            return 0;
        }

        private InputStream open() throws IOException {
            return new BufferedInputStream(Files.newInputStream(file), BLOCK);
        }

        /**
         * One pass over the stream: the first checks every record against the volume and counts the bytes; the
         * second, with a progress bar, writes.
         */
        private final class Pass implements RbdDiff.Visitor {
            private final NbdClient client;
            private final Optional<ProgressBar> progress;
            private final byte[] block = new byte[BLOCK];
            long bytes;

            Pass(NbdClient client, Optional<ProgressBar> progress) {
                this.client = client;
                this.progress = progress;
            }

            @Override
            public void header(RbdDiff.Header header) throws IOException {
                if (header.size().isPresent() && header.size().getAsLong() > client.sizeBytes()) {
                    throw new IOException(
                            file + " is a diff of an image of " + header.size().getAsLong()
                                    + " bytes; volume " + volumeId + " has " + client.sizeBytes()
                                    + " (extend it first)");
                }
            }

            @Override
            public void data(long offset, long length, InputStream data) throws IOException {
                within(offset, length);
                if (progress.isEmpty()) {
                    data.skipNBytes(length);
                    bytes += length;
                    return;
                }
                for (long done = 0; done < length; ) {
                    int piece = (int) Math.min(BLOCK, length - done);
                    if (data.readNBytes(block, 0, piece) != piece) {
                        throw new EOFException();
                    }
                    if (Blocks.isZero(block, piece)) {
                        client.writeZeroes(offset + done, piece);
                    } else {
                        client.write(offset + done, block, 0, piece, false);
                    }
                    done += piece;
                    advance(piece);
                }
            }

            @Override
            public void zero(long offset, long length) throws IOException {
                within(offset, length);
                if (progress.isEmpty()) {
                    bytes += length;
                    return;
                }
                for (long done = 0; done < length; ) {
                    long piece = Math.min(ZEROS_PER_REQUEST, length - done);
                    client.writeZeroes(offset + done, piece);
                    done += piece;
                    advance(piece);
                }
            }

            private void within(long offset, long length) throws IOException {
                if (length > client.sizeBytes() || offset > client.sizeBytes() - length) {
                    throw new IOException(file + " has a record of " + length + " bytes at " + offset + ", beyond the "
                            + client.sizeBytes() + " bytes of volume " + volumeId);
                }
            }

            private void advance(long length) {
                bytes += length;
                progress.get().update(bytes);
            }
        }
    }
}
