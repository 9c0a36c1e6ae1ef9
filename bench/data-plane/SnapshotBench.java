import io.cairn.engine.BlockDevice;
import io.cairn.engine.LocalChunkEngine;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Snapshot creation time and chunk-size trade-offs of the chunk engine, without the network.
 * Usage: java -cp target/cairn.jar bench/data-plane/SnapshotBench.java [DIR]
 * Prints markdown tables: (1) snapshot time for sparse 1 GiB / 100 GiB / 1 TiB volumes with 1 GiB written,
 * (2) per chunk size: 1 MiB sequential writes, 4 KiB random writes after a snapshot (copy-on-write), snapshot time.
 */
public class SnapshotBench {
    static final long GIB = 1L << 30;

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("cairn-bench");
        System.out.println("| volume size | written | chunk | map entries | snapshot time (median of 5) |");
        System.out.println("|---|---|---|---|---|");
        for (long size : new long[] {GIB, 100 * GIB, 1024 * GIB}) {
            Path dir = Files.createDirectories(base.resolve("size-" + size / GIB));
            try (LocalChunkEngine engine = LocalChunkEngine.open(dir, LocalChunkEngine.DEFAULT_CHUNK_SIZE)) {
                engine.createVolume("vol", size);
                writeScattered(engine, size, GIB, engine.chunkSize());
                double[] times = new double[5];
                for (int i = 0; i < times.length; i++) {
                    long start = System.nanoTime();
                    engine.createSnapshot("vol", "snap-" + i, f -> { });
                    times[i] = (System.nanoTime() - start) / 1e6;
                }
                Arrays.sort(times);
                System.out.printf("| %d GiB | 1 GiB | %d KiB | %d | %.1f ms |%n", size / GIB, engine.chunkSize() / 1024,
                        GIB / engine.chunkSize(), times[2]);
            }
            deleteTree(dir);
        }
        System.out.println();
        System.out.println("| chunk | seq 1 MiB write | rand 4 KiB write after snapshot (CoW) | snapshot, 1 GiB written |");
        System.out.println("|---|---|---|---|");
        for (int chunk : new int[] {64 << 10, 128 << 10, 256 << 10, 1 << 20}) {
            Path dir = Files.createDirectories(base.resolve("chunk-" + chunk));
            try (LocalChunkEngine engine = LocalChunkEngine.open(dir, chunk)) {
                engine.createVolume("vol", 4 * GIB);
                long start = System.nanoTime();
                try (BlockDevice device = engine.open("vol", true)) {
                    ByteBuffer block = ByteBuffer.allocate(1 << 20);
                    new Random(1).nextBytes(block.array());
                    for (long offset = 0; offset < GIB; offset += block.capacity()) {
                        device.write(offset, block.clear(), false);
                    }
                    device.flush();
                }
                double seqMiBs = 1024 / ((System.nanoTime() - start) / 1e9);
                start = System.nanoTime();
                engine.createSnapshot("vol", "snap", f -> { });
                double snapshotMs = (System.nanoTime() - start) / 1e6;
                Random random = new Random(2);
                int writes = 20_000;
                start = System.nanoTime();
                try (BlockDevice device = engine.open("vol", true)) {
                    ByteBuffer block = ByteBuffer.allocate(4096);
                    for (int i = 0; i < writes; i++) {
                        random.nextBytes(block.array());
                        device.write((long) random.nextInt((int) (GIB / 4096)) * 4096, block.clear(), false);
                    }
                    device.flush();
                }
                double iops = writes / ((System.nanoTime() - start) / 1e9);
                System.out.printf("| %d KiB | %.0f MiB/s | %.0f IOPS | %.1f ms |%n", chunk / 1024, seqMiBs, iops, snapshotMs);
            }
            deleteTree(dir);
        }
    }

    /** Writes {@code amount} bytes as whole chunks at random chunk positions across the volume. */
    static void writeScattered(LocalChunkEngine engine, long size, long amount, int chunk) throws Exception {
        long chunks = size / chunk;
        long count = amount / chunk;
        Random random = new Random(3);
        ByteBuffer data = ByteBuffer.allocate(chunk);
        random.nextBytes(data.array());
        try (BlockDevice device = engine.open("vol", true)) {
            java.util.BitSet used = new java.util.BitSet();
            for (long i = 0; i < count; i++) {
                long index = chunks == count ? i : Math.floorMod(random.nextLong(), chunks);
                while (chunks != count && used.get((int) (index % Integer.MAX_VALUE))) {
                    index = Math.floorMod(random.nextLong(), chunks);
                }
                used.set((int) (index % Integer.MAX_VALUE));
                device.write(index * chunk, data.clear(), false);
            }
            device.flush();
        }
    }

    static void deleteTree(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
