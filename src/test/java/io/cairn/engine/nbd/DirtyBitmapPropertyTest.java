package io.cairn.engine.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.domain.SnapshotBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The dirty bitmaps over NBD against the writes that made them: random writes at random offsets and lengths, a
 * snapshot after each round, more writes after the last. For every pair of snapshots, and for the volume against each,
 * the bitmap covers every byte written in between, and rounded out to {@link SnapshotBlocks#BLOCK_SIZE} it is exactly
 * those writes rounded out: nothing missing, nothing extra beyond rounding. {@code base:allocation} of each snapshot
 * is likewise every write before it.
 */
class DirtyBitmapPropertyTest {
    private static final int CHUNK = 64 * 1024;
    private static final int SIZE = 5 * SnapshotBlocks.BLOCK_SIZE + 12_345;

    /** One write: {@code offset} is taken modulo the size, {@code length} is cut at the end. */
    record Write(int offset, int length, byte pattern) {}

    @Provide
    Arbitrary<List<List<Write>>> rounds() {
        Arbitrary<Write> write = Combinators.combine(
                        Arbitraries.integers().between(0, SIZE - 1),
                        Arbitraries.integers().between(1, 300 * 1024),
                        Arbitraries.bytes().filter(b -> b != 0))
                .as(Write::new);
        return write.list().ofMinSize(0).ofMaxSize(5).list().ofMinSize(2).ofMaxSize(4);
    }

    @Property(tries = 8)
    void theBitmapsAreTheWritesInBetweenRoundedToBlocks(@ForAll("rounds") List<List<Write>> rounds) throws IOException {
        Path directory = Files.createTempDirectory("cairn-bitmap");
        try (NbdFixture nbd = new NbdFixture(directory, CHUNK)) {
            nbd.createVolume("v", SIZE);
            List<BitSet> written = new ArrayList<>(); // bytes written in each round
            for (int round = 0; round < rounds.size(); round++) {
                BitSet bytes = new BitSet(SIZE);
                try (NbdClient volume = nbd.connect("v")) {
                    for (Write write : rounds.get(round)) {
                        int length = Math.min(write.length(), SIZE - write.offset());
                        byte[] data = new byte[length];
                        Arrays.fill(data, write.pattern());
                        volume.write(write.offset(), data);
                        bytes.set(write.offset(), write.offset() + length);
                    }
                    volume.flush();
                }
                written.add(bytes);
                if (round < rounds.size() - 1) {
                    nbd.snapshot("v", "s" + round);
                }
            }
            int snapshots = rounds.size() - 1;
            for (int older = 0; older < snapshots; older++) {
                for (int newer = older + 1; newer <= snapshots; newer++) {
                    String export = newer == snapshots ? "v" : "s" + newer;
                    BitSet expected = union(written, older + 1, newer + 1);
                    assertMapMatches(nbd, export, "qemu:dirty-bitmap:s" + older, NbdClient.DIRTY, expected);
                }
                assertMapMatches(nbd, "s" + older, "base:allocation", 0, union(written, 0, older + 1));
            }
        }
    }

    /** The extents with {@code flag} set ({@code 0}: with no flag set, base:allocation's data) against {@code written}. */
    private static void assertMapMatches(NbdFixture nbd, String export, String context, int flag, BitSet written)
            throws IOException {
        BitSet marked = new BitSet(SIZE);
        try (NbdClient client = NbdClient.connect("127.0.0.1", nbd.server.port(), export, context)) {
            long offset = 0;
            while (offset < SIZE) {
                for (NbdClient.Extent extent : client.blockStatus(offset, SIZE - offset)) {
                    if (flag == 0 ? extent.flags() == 0 : extent.is(flag)) {
                        marked.set((int) extent.offset(), (int) (extent.offset() + extent.length()));
                    }
                    offset = extent.offset() + extent.length();
                }
            }
        }
        BitSet missing = (BitSet) written.clone();
        missing.andNot(marked);
        assertThat(missing.stream().boxed().toList())
                .as("%s on %s: written bytes not marked", context, export)
                .isEmpty();
        assertThat(blocks(marked))
                .as("%s on %s: blocks marked", context, export)
                .isEqualTo(blocks(written));
    }

    private static BitSet union(List<BitSet> rounds, int from, int to) {
        BitSet union = new BitSet(SIZE);
        rounds.subList(from, to).forEach(union::or);
        return union;
    }

    private static BitSet blocks(BitSet bytes) {
        BitSet blocks = new BitSet();
        bytes.stream().forEach(offset -> blocks.set(offset / SnapshotBlocks.BLOCK_SIZE));
        return blocks;
    }
}
