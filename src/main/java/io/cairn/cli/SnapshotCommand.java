package io.cairn.cli;

import io.cairn.engine.nbd.NbdClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn snapshot export ID FILE}: a snapshot's bytes into a raw image, read over NBD from a running server. */
@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = "Work with snapshot data.",
        subcommands = SnapshotCommand.Export.class)
public final class SnapshotCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Write an available snapshot to FILE as a raw image (sparse where the snapshot holds zeros).")
    static final class Export implements Callable<Integer> {
        private static final int BLOCK = 1 << 20;

        @Parameters(index = "0", paramLabel = "ID", description = "The snapshot id.")
        String snapshotId;

        @Parameters(index = "1", paramLabel = "FILE", description = "The raw image to write (replaced if it exists).")
        Path file;

        @Mixin
        NbdEndpoint nbd;

        @Override
        public Integer call() throws IOException {
            try (NbdClient client = nbd.connect(snapshotId);
                    FileChannel out = FileChannel.open(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                long size = client.sizeBytes();
                ProgressBar progress = new ProgressBar("exporting snapshot " + snapshotId + " to " + file, size);
                byte[] block = new byte[BLOCK];
                for (long offset = 0; offset < size; offset += BLOCK) {
                    int length = (int) Math.min(BLOCK, size - offset);
                    client.read(offset, block, 0, length);
                    if (!Blocks.isZero(block, length)) {
                        ByteBuffer buffer = ByteBuffer.wrap(block, 0, length);
                        long position = offset;
                        while (buffer.hasRemaining()) {
                            position += out.write(buffer, position);
                        }
                    }
                    progress.update(offset + length);
                }
                out.truncate(size);
                if (out.size() < size) {
                    out.write(ByteBuffer.allocate(1), size - 1); // extend a sparse tail to the full size
                }
                out.force(true);
            }
            System.out.println(file);
            return 0;
        }
    }
}
