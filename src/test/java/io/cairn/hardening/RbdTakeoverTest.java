package io.cairn.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ServerProcess;
import io.cairn.TestCeph;
import io.cairn.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL and one Ceph pool: a node killed in the middle of a volume-from-snapshot (while its
 * task flattens the clone) leaves the task to the other node, which takes it over once the lease runs out and
 * finishes it.
 */
class RbdTakeoverTest {
    private static final String PROJECT = "5c1d7e4f2a3b4c5d8e9f0a1b2c3d4e5f";
    private static final int WRITTEN_MIB = 768;

    @TempDir
    Path directory;

    @BeforeAll
    static void requireCeph() {
        TestCeph.assumeAvailable();
    }

    @Test
    void aVolumeFromSnapshotLeftByAKilledNodeIsFinishedByTheOther() throws Exception {
        String database = TestPostgres.newDatabaseUrl();
        ServerProcess first = node("node-a", database);
        ApiClient api = new ApiClient(first, PROJECT);
        String source = id(api.post("/volumes", "{\"volume\": {\"size\": 1}}"));
        awaitStatus(api, "/volumes/" + source, "available", Duration.ofSeconds(30));
        qemuIo("write -P 0x5a 0 " + WRITTEN_MIB + "M", "volume-" + source);
        String snapshot = id(api.post("/snapshots", "{\"snapshot\": {\"volume_id\": \"" + source + "\"}}"));
        awaitStatus(api, "/snapshots/" + snapshot, "available", Duration.ofSeconds(30));

        String copy = id(api.post("/volumes", "{\"volume\": {\"size\": 1, \"snapshot_id\": \"" + snapshot + "\"}}"));
        awaitClone("volume-" + copy);
        first.kill();
        assertThat(rbd("info", "volume-" + copy))
                .as("killed while still a clone")
                .contains("parent:");

        try (ServerProcess second = node("node-b", database)) {
            ApiClient survivor = new ApiClient(second, PROJECT);
            assertThat(status(survivor, "/volumes/" + copy))
                    .as("left by the killed node")
                    .isEqualTo("creating");
            awaitStatus(survivor, "/volumes/" + copy, "available", Duration.ofSeconds(120));
            assertThat(rbd("info", "volume-" + copy)).doesNotContain("parent:");
            assertThat(qemuIo("read -P 0x5a 0 " + WRITTEN_MIB + "M", "volume-" + copy))
                    .contains("read " + ((long) WRITTEN_MIB << 20));
            assertThat(survivor.get("/volumes/" + copy)
                            .json()
                            .path("volume")
                            .path("os-vol-host-attr:host")
                            .asString())
                    .startsWith("ceph-")
                    .endsWith("@rbd#rbd");

            assertThat(survivor.delete("/volumes/" + copy).status()).isEqualTo(202);
            assertThat(survivor.delete("/snapshots/" + snapshot).status()).isEqualTo(202);
            awaitGone(survivor, "/snapshots/" + snapshot);
            assertThat(survivor.delete("/volumes/" + source).status()).isEqualTo(202);
            awaitGone(survivor, "/volumes/" + source);
            awaitGone(survivor, "/volumes/" + copy);
        }
        assertThat(rbd("ls")).doesNotContain(source).doesNotContain(copy);
    }

    private ServerProcess node(String name, String database) throws Exception {
        Path dataDir = directory.resolve(name);
        java.nio.file.Files.createDirectories(dataDir);
        return ServerProcess.start(
                dataDir,
                Map.of(
                        "CAIRN_NODE",
                        name,
                        "CAIRN_DB_URL",
                        database,
                        "CAIRN_DB_USER",
                        TestPostgres.USER,
                        "CAIRN_BACKEND",
                        "rbd",
                        "CAIRN_CEPH_CONF",
                        TestCeph.conf().toString(),
                        "CAIRN_RBD_FLATTEN_VOLUME_FROM_SNAPSHOT",
                        "true"));
    }

    private static String id(ApiClient.Reply reply) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.json().properties().iterator().next().getValue().path("id").asString();
    }

    private static String status(ApiClient api, String path) throws IOException, InterruptedException {
        ApiClient.Reply reply = api.get(path);
        return reply.status() == 404
                ? "gone"
                : reply.json()
                        .properties()
                        .iterator()
                        .next()
                        .getValue()
                        .path("status")
                        .asString();
    }

    private static void awaitStatus(ApiClient api, String path, String expected, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String last = status(api, path);
        while (!last.equals(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            last = status(api, path);
        }
        assertThat(last).as(path).isEqualTo(expected);
    }

    private static void awaitGone(ApiClient api, String path) throws Exception {
        awaitStatus(api, path, "gone", Duration.ofSeconds(60));
    }

    /** Waits until the image exists as a clone: the create task has cloned and is flattening. */
    private static void awaitClone(String image) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!rbd("info", image).contains("parent:")) {
            assertThat(Instant.now()).as("clone " + image + " appears").isBefore(deadline);
            Thread.sleep(20);
        }
    }

    private static String rbd(String... arguments) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("rbd", "-c", TestCeph.conf().toString(), "-p", "rbd"));
        command.addAll(List.of(arguments));
        return run(command);
    }

    /** qemu-io straight on the image through librbd, not through Cairn. */
    private static String qemuIo(String operation, String image) throws IOException, InterruptedException {
        return run(List.of("qemu-io", "-f", "raw", "-c", operation, "rbd:rbd/" + image + ":conf=" + TestCeph.conf()));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }
}
