package io.cairn.engine.nbd;

import static io.cairn.engine.nbd.Tools.qemuIo;
import static io.cairn.engine.nbd.Tools.readAll;
import static io.cairn.engine.nbd.Tools.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** Volumes and snapshots through the NBD data path, driven by the standard tools qemu-io and nbdcopy. */
@EnabledIf(value = "io.cairn.engine.nbd.Tools#installed", disabledReason = Tools.MISSING)
class NbdToolsTest {
    private static final int MIB = 1 << 20;
    private static final long VOLUME_SIZE = 16L * MIB;

    @TempDir
    Path directory;

    private NbdFixture nbd;

    @BeforeEach
    void start() throws Exception {
        nbd = new NbdFixture(directory, 64 * 1024);
    }

    @AfterEach
    void stop() throws Exception {
        nbd.close();
    }

    @Test
    void aSnapshotKeepsTheOldPatternWhileTheVolumeShowsTheNewOne() throws Exception {
        nbd.createVolume("vol", VOLUME_SIZE);
        qemuIo(nbd.uri("vol"), "write -P 0xa1 0 8M", "write -P 0xa2 8M 100k", "flush");
        byte[] before = readAll(nbd.uri("vol"));
        nbd.snapshot("vol", "snap");
        qemuIo(nbd.uri("vol"), "write -P 0xb1 4M 6M", "flush");

        byte[] snapshot = readAll(nbd.uri("snap"));
        byte[] volume = readAll(nbd.uri("vol"));
        assertThat(sha256(snapshot)).isEqualTo(sha256(before));
        byte[] expected = before.clone();
        Arrays.fill(expected, 4 * MIB, 10 * MIB, (byte) 0xb1);
        assertThat(sha256(volume)).isEqualTo(sha256(expected));
        assertThat(snapshot[3 * MIB]).isEqualTo((byte) 0xa1);
        assertThat(snapshot[(int) (VOLUME_SIZE - 1)]).isZero();
    }

    @Test
    void aVolumeFromASnapshotEqualsTheSnapshotByteForByte() throws Exception {
        nbd.createVolume("vol", VOLUME_SIZE);
        qemuIo(nbd.uri("vol"), "write -P 0x5a 1M 3M", "write -P 0x11 12M 64k");
        nbd.snapshot("vol", "snap");
        qemuIo(nbd.uri("vol"), "write -P 0x77 0 16M");
        nbd.volumeFromSnapshot("copy", "snap", VOLUME_SIZE);

        assertThat(readAll(nbd.uri("copy"))).isEqualTo(readAll(nbd.uri("snap")));
        qemuIo(nbd.uri("copy"), "write -P 0x33 1M 4k");
        assertThat(readAll(nbd.uri("snap"))[MIB]).isEqualTo((byte) 0x5a);
    }

    @Test
    void revertRestoresTheSnapshotsBytes() throws Exception {
        nbd.createVolume("vol", VOLUME_SIZE);
        qemuIo(nbd.uri("vol"), "write -P 0x42 0 5M");
        nbd.snapshot("vol", "snap");
        qemuIo(nbd.uri("vol"), "write -P 0x99 2M 10M", "discard 0 1M");
        nbd.engine.revertToSnapshot("vol", "snap");

        assertThat(sha256(readAll(nbd.uri("vol")))).isEqualTo(sha256(readAll(nbd.uri("snap"))));
    }

    @Test
    void aChainOfTwentySnapshotsReadsBackAtEveryPoint() throws Exception {
        nbd.createVolume("vol", VOLUME_SIZE);
        Random random = new Random(20);
        byte[] model = new byte[(int) VOLUME_SIZE];
        List<String> expected = new ArrayList<>();
        for (int point = 0; point < 20; point++) {
            List<String> writes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int length = (1 + random.nextInt(64)) * 4096;
                int offset = random.nextInt((int) VOLUME_SIZE / 4096 - length / 4096) * 4096;
                int pattern = 1 + random.nextInt(255);
                writes.add("write -P " + pattern + " " + offset + " " + length);
                Arrays.fill(model, offset, offset + length, (byte) pattern);
            }
            qemuIo(nbd.uri("vol"), writes.toArray(String[]::new));
            nbd.snapshot("vol", "snap-" + point);
            expected.add(sha256(model));
        }
        for (int point = 0; point < 20; point++) {
            assertThat(sha256(readAll(nbd.uri("snap-" + point))))
                    .as("snapshot %d", point)
                    .isEqualTo(expected.get(point));
        }
        assertThat(sha256(readAll(nbd.uri("vol")))).isEqualTo(expected.get(19));
    }
}
