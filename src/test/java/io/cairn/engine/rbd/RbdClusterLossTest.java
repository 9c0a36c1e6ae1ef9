package io.cairn.engine.rbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestCeph;
import io.cairn.TestCeph.PrivateCluster;
import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A Ceph cluster that goes away under a running Cairn: the database still answers the lists, a request that needs the
 * cluster now answers 503, a new volume or snapshot ends in {@code error}, an NBD client gets an answer, and the server
 * still closes, each within a bound and never as a hung request. The cluster is this class's own (it is stopped
 * here), with librados' time-out ({@code rados-timeout}) at 3 s.
 */
class RbdClusterLossTest {
    private static final String PROJECT = "3e7a9c1b5d2f4e6a8b0c1d2e3f4a5b6c";
    private static final String RADOS_TIMEOUT_SECONDS = "3";

    @TempDir
    static Path dataDir;

    static PrivateCluster cluster;
    static TestServer server;
    static Client admin;
    static int nbdPort;
    static String volume;
    static String snapshot;

    @BeforeAll
    static void startThenStopTheCluster() throws Exception {
        TestCeph.assumeAvailable();
        TestCeph.assumePrivateAvailable();
        cluster = TestCeph.startPrivate();
        nbdPort = freePort();
        server = TestServer.start(
                dataDir,
                Map.of(
                        "backend",
                        "rbd",
                        "ceph-conf",
                        cluster.conf().toString(),
                        "ceph-user",
                        TestCeph.USER,
                        "rbd-pool",
                        TestCeph.POOL,
                        "rados-timeout",
                        RADOS_TIMEOUT_SECONDS,
                        "nbd-port",
                        Integer.toString(nbdPort),
                        "quota-snapshots",
                        "-1",
                        "quota-volumes",
                        "-1",
                        "quota-gigabytes",
                        "-1"));
        admin = server.as("boss", PROJECT);
        volume = created(admin.post("/volumes", "{\"volume\": {\"size\": 1}}"), "volume");
        awaitStatus("/volumes/" + volume, "/volume/status", "available", Duration.ofSeconds(60));
        snapshot = created(admin.post("/snapshots", "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}"), "snapshot");
        awaitStatus("/snapshots/" + snapshot, "/snapshot/status", "available", Duration.ofSeconds(60));
        if (onPath("qemu-io")) {
            Outcome read = qemuIo(Duration.ofSeconds(30));
            assertThat(read.exit())
                    .as("qemu-io reads the volume while the cluster runs: %s", read.output())
                    .isZero();
        }

        within(Duration.ofSeconds(90), "stopping the cluster", () -> {
            cluster.stop();
            return null;
        });
        assertThat(cluster.daemons()).as("the cluster's daemons").isEmpty();
    }

    @AfterAll
    static void closeServerThenCluster() throws Exception {
        try {
            if (server != null) {
                within(Duration.ofSeconds(60), "closing the server", () -> {
                    server.close();
                    return null;
                });
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void theListsStillAnswerFromTheDatabase() throws Exception {
        Reply volumes = within(Duration.ofSeconds(5), "GET /volumes/detail", () -> admin.get("/volumes/detail"));
        assertThat(volumes.status()).as(volumes.text()).isEqualTo(200);
        assertThat(ids(volumes.json().get("volumes"))).contains(volume);
        Reply snapshots = within(Duration.ofSeconds(5), "GET /snapshots/detail", () -> admin.get("/snapshots/detail"));
        assertThat(snapshots.status()).as(snapshots.text()).isEqualTo(200);
        assertThat(ids(snapshots.json().get("snapshots"))).contains(snapshot);
    }

    @Test
    void initializingAConnectionAnswers503() throws Exception {
        Reply reply = within(
                Duration.ofSeconds(20),
                "os-initialize_connection",
                () -> admin.post(
                        "/volumes/" + volume + "/action",
                        "{\"os-initialize_connection\": {\"connector\": {\"host\": \"h\"}}}"));
        assertUnavailable(reply);
    }

    @Test
    void listingManageableSnapshotsAnswers503() throws Exception {
        Reply reply = within(
                Duration.ofSeconds(20),
                "GET /manageable_snapshots",
                () -> admin.version("3.8").get("/manageable_snapshots?host=test@rbd"));
        assertUnavailable(reply);
    }

    @Test
    void aNewVolumeEndsInError() throws Exception {
        String id = created(
                within(
                        Duration.ofSeconds(5),
                        "POST /volumes",
                        () -> admin.post("/volumes", "{\"volume\": {\"size\": 1}}")),
                "volume");
        awaitStatus("/volumes/" + id, "/volume/status", "error", Duration.ofSeconds(120));
    }

    @Test
    void aNewSnapshotEndsInError() throws Exception {
        String id = created(
                within(
                        Duration.ofSeconds(5),
                        "POST /snapshots",
                        () -> admin.post("/snapshots", "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}")),
                "snapshot");
        awaitStatus("/snapshots/" + id, "/snapshot/status", "error", Duration.ofSeconds(120));
    }

    @Test
    void readingTheVolumeOverNbdEnds() throws Exception {
        Assumptions.assumeTrue(onPath("qemu-io"), "needs qemu-io on the PATH (Debian package qemu-utils)");
        Outcome read = qemuIo(Duration.ofSeconds(30)); // any exit status: it must only end
        System.err.printf("RbdClusterLossTest: qemu-io exited with %d: %s%n", read.exit(), read.output());
    }

    private static void assertUnavailable(Reply reply) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(503);
        JsonNode fault = reply.json().get("serviceUnavailable");
        assertThat(fault).as(reply.text()).isNotNull();
        assertThat(fault.get("code").asInt()).isEqualTo(503);
        assertThat(reply.message()).isNotBlank();
    }

    private static List<String> ids(JsonNode items) {
        return items.valueStream().map(item -> item.get("id").asString()).toList();
    }

    private static String created(Reply reply, String kind) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.json().at("/" + kind + "/id").asString();
    }

    /** Polls {@code path} until the value at {@code pointer} is {@code expected}, failing after {@code bound}. */
    private static void awaitStatus(String path, String pointer, String expected, Duration bound) throws Exception {
        long started = System.nanoTime();
        long deadline = started + bound.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            Reply reply = admin.get(path);
            if (reply.status() == 200) {
                last = reply.json().at(pointer).asString();
                if (expected.equals(last)) {
                    report(path + " " + expected, started);
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " was not " + expected + " within " + bound.toSeconds() + " s; last: " + last);
    }

    /**
     * Runs {@code action} and returns what it returns, failing when it takes longer than {@code bound}: a hang shows as
     * a failure with the time it took, not as a test that never ends. Each step's time goes to the output file.
     */
    private static <T> T within(Duration bound, String what, Callable<T> action) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        long started = System.nanoTime();
        try {
            Future<T> result = executor.submit(action);
            try {
                T value = result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
                report(what, started);
                return value;
            } catch (TimeoutException e) {
                Path dump = dumpThreads();
                throw new AssertionError(
                        what + " did not end within " + bound.toSeconds() + " s (threads: " + dump + ")");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static void report(String what, long started) {
        System.err.printf(
                "RbdClusterLossTest: %s took %d ms%n",
                what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** This JVM's threads, virtual ones too, in a file for the failure message; null when jcmd could not write it. */
    private static Path dumpThreads() {
        try {
            Path dump = Files.createTempFile("rbd-cluster-loss-threads-", ".txt");
            Files.delete(dump);
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process process = new ProcessBuilder(
                            jcmd.toString(),
                            Long.toString(ProcessHandle.current().pid()),
                            "Thread.dump_to_file",
                            dump.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(30, TimeUnit.SECONDS) && Files.exists(dump) ? dump : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private record Outcome(int exit, String output) {}

    /** {@code qemu-io -c 'read 0 4k'} on the volume's NBD export, killed when it runs past {@code bound}. */
    private static Outcome qemuIo(Duration bound) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dataDir, "qemu-io-", ".txt");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(
                        "qemu-io", "-f", "raw", "-c", "read 0 4k", "nbd://127.0.0.1:" + nbdPort + "/" + volume)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            Path dump = dumpThreads();
            throw new AssertionError("qemu-io read over NBD did not end within " + bound.toSeconds() + " s: "
                    + Files.readString(output).strip() + " (threads: " + dump + ")");
        }
        report("qemu-io read over NBD", started);
        return new Outcome(process.exitValue(), Files.readString(output).strip());
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null
                && Arrays.stream(path.split(File.pathSeparator))
                        .filter(directory -> !directory.isEmpty())
                        .anyMatch(directory -> Files.isExecutable(Path.of(directory, tool)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
