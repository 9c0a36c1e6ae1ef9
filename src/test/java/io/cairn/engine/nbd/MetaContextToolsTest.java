package io.cairn.engine.nbd;

import static io.cairn.engine.nbd.Tools.nbdinfo;
import static io.cairn.engine.nbd.Tools.qemuImg;
import static io.cairn.engine.nbd.Tools.qemuIo;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The metadata contexts as the standard tools read them: nbdinfo's map and context list, and qemu-img map. */
@EnabledIf(value = "io.cairn.engine.nbd.Tools#installed", disabledReason = Tools.MISSING)
class MetaContextToolsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long MIB = 1 << 20;
    private static final long SIZE = 8 * MIB;

    @TempDir
    Path directory;

    private NbdFixture nbd;

    /** A run of the map as a tool printed it; {@code marked} is the tool's own reading of the flags. */
    record Run(long offset, long length, boolean marked) {}

    @BeforeEach
    void start() throws Exception {
        nbd = new NbdFixture(directory, 64 * 1024);
        nbd.createVolume("vol", SIZE);
        qemuIo(nbd.uri("vol"), "write -P 0x11 1M 1M", "write -P 0x12 6M 64k");
        nbd.snapshot("vol", "older");
        qemuIo(nbd.uri("vol"), "write -P 0x21 1536k 512k", "write -P 0x22 4M 128k");
        nbd.snapshot("vol", "newer");
        qemuIo(nbd.uri("vol"), "write -P 0x31 7M 64k");
        nbd.createVolume("other", SIZE);
        nbd.snapshot("other", "foreign");
    }

    @AfterEach
    void stop() throws Exception {
        nbd.close();
    }

    @Test
    void baseAllocationShowsWrittenDataAndHolesElsewhere() throws Exception {
        assertThat(nbdinfoMap("newer", "base:allocation", 3))
                .containsExactly(
                        new Run(0, MIB, true),
                        new Run(MIB, MIB, false),
                        new Run(2 * MIB, 2 * MIB, true),
                        new Run(4 * MIB, 128 * 1024, false),
                        new Run(4 * MIB + 128 * 1024, 2 * MIB - 128 * 1024, true),
                        new Run(6 * MIB, 64 * 1024, false),
                        new Run(6 * MIB + 64 * 1024, 2 * MIB - 64 * 1024, true));
    }

    @Test
    void aVolumesDirtyBitmapShowsWhatWasWrittenSinceTheSnapshot() throws Exception {
        assertThat(dirty(nbdinfoMap("vol", "qemu:dirty-bitmap:newer", 1)))
                .containsExactly(new Run(7 * MIB, 64 * 1024, true));
        assertThat(dirty(nbdinfoMap("vol", "qemu:dirty-bitmap:older", 1)))
                .containsExactly(
                        new Run(1536 * 1024, 512 * 1024, true),
                        new Run(4 * MIB, 128 * 1024, true),
                        new Run(7 * MIB, 64 * 1024, true));
    }

    @Test
    void aSnapshotsDirtyBitmapShowsWhereItDiffersFromTheOlderSnapshot() throws Exception {
        assertThat(dirty(nbdinfoMap("newer", "qemu:dirty-bitmap:older", 1)))
                .containsExactly(new Run(1536 * 1024, 512 * 1024, true), new Run(4 * MIB, 128 * 1024, true));
    }

    @Test
    void theContextsListedAreTheExportsOwnAndOnlyOlderSnapshots() throws Exception {
        assertThat(contexts("vol"))
                .containsExactly("base:allocation", "qemu:dirty-bitmap:older", "qemu:dirty-bitmap:newer");
        assertThat(contexts("newer")).containsExactly("base:allocation", "qemu:dirty-bitmap:older");
        assertThat(contexts("older")).containsExactly("base:allocation");
        assertThat(contexts("other")).containsExactly("base:allocation", "qemu:dirty-bitmap:foreign");
    }

    @Test
    void qemuImgMapReadsAllocationAndTheDirtyBitmap() throws Exception {
        List<Run> data = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(qemuImg("map", "--output=json", "-f", "raw", nbd.uri("newer")))) {
            data.add(new Run(
                    entry.get("start").asLong(),
                    entry.get("length").asLong(),
                    entry.get("data").asBoolean()));
        }
        assertThat(data)
                .filteredOn(Run::marked)
                .containsExactly(
                        new Run(MIB, MIB, true), new Run(4 * MIB, 128 * 1024, true), new Run(6 * MIB, 64 * 1024, true));

        // With x-dirty-bitmap, qemu reads the bitmap in place of allocation: dirty shows as "data": false.
        String options = "driver=nbd,server.type=inet,server.host=127.0.0.1,server.port=" + nbd.server.port()
                + ",export=newer,x-dirty-bitmap=qemu:dirty-bitmap:older";
        List<Run> dirty = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(qemuImg("map", "--output=json", "--image-opts", options))) {
            dirty.add(new Run(
                    entry.get("start").asLong(),
                    entry.get("length").asLong(),
                    !entry.get("data").asBoolean()));
        }
        assertThat(dirty)
                .filteredOn(Run::marked)
                .containsExactly(new Run(1536 * 1024, 512 * 1024, true), new Run(4 * MIB, 128 * 1024, true));
    }

    /** {@code nbdinfo --map=CONTEXT --json}; a run is marked when its type has {@code bit} set. */
    private List<Run> nbdinfoMap(String export, String context, int bit) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(nbdinfo("--json", "--map=" + context, nbd.uri(export)))) {
            runs.add(new Run(
                    entry.get("offset").asLong(),
                    entry.get("length").asLong(),
                    (entry.get("type").asInt() & bit) != 0));
        }
        assertThat(runs.stream().mapToLong(Run::length).sum()).isEqualTo(SIZE);
        return runs;
    }

    private static List<Run> dirty(List<Run> runs) {
        return runs.stream().filter(Run::marked).toList();
    }

    private List<String> contexts(String export) throws Exception {
        List<String> names = new ArrayList<>();
        JSON.readTree(nbdinfo("--json", nbd.uri(export)))
                .at("/exports/0/contexts")
                .forEach(name -> names.add(name.asString()));
        return names;
    }
}
