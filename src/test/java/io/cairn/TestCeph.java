package io.cairn;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A real Ceph cluster for the RBD suites. When {@code CAIRN_TEST_CEPH_CONF} names a ceph.conf, that cluster is used
 * (client.admin's keyring must be named in it, as {@code ceph/micro-ceph.sh} writes it). Otherwise, when the Ceph
 * daemons and the {@code rbd} command are installed, one cluster is started per JVM with {@code ceph/micro-ceph.sh}
 * (one monitor, one manager, one memstore OSD, the pool {@code rbd}) in a temporary directory on a free port, the
 * first time a test asks for it, and stopped when the JVM exits. Otherwise the RBD suites are skipped, and the reason
 * is printed once to the console: classes marked {@link Required}, and with {@code -Dcairn.test.backend=rbd} every
 * class ({@link Condition}), and any test that calls {@link #assumeAvailable()} (as {@link TestServer} does).
 *
 * <p>Tests share the pool {@link #POOL}; Cairn names its images after volume ids, so servers never meet each other's
 * images. A test that stops its cluster starts one of its own with {@link #startPrivate()} (skipped first with
 * {@link #assumePrivateAvailable()}), which needs the daemons installed even when {@code CAIRN_TEST_CEPH_CONF} is set.
 *
 * <p>The backup suites ask for an S3 server with {@link #s3()} (skipped first with {@link #assumeS3Available()}): the
 * one {@code CAIRN_TEST_S3_ENDPOINT} names, with {@code CAIRN_TEST_S3_ACCESS_KEY} and {@code CAIRN_TEST_S3_SECRET_KEY};
 * otherwise a RADOS Gateway that {@code micro-ceph.sh rgw} starts on the shared cluster, on a free port, with an S3
 * user of its own, the first time a test asks (the RBD suites never start one). Tests share it; each uses buckets of
 * its own.
 */
public final class TestCeph {
    /** The pool every test uses. */
    public static final String POOL = "rbd";
    /** The cephx user (client.admin) whose key the cluster's ceph.conf names. */
    public static final String USER = "admin";

    private static final String ENVIRONMENT = "CAIRN_TEST_CEPH_CONF";
    private static final List<String> TOOLS = List.of("ceph-mon", "ceph-osd", "ceph-mgr", "rbd");
    private static final String PACKAGES = "ceph-mon ceph-osd ceph-mgr ceph-common";
    private static final long START_TIMEOUT_SECONDS = 180;
    private static final AtomicBoolean SKIP_PRINTED = new AtomicBoolean();
    /** Why there is no cluster, or null when there is (or can be started). */
    private static final String UNAVAILABLE = findUnavailableReason();

    private static final String S3_ENDPOINT = "CAIRN_TEST_S3_ENDPOINT";
    private static final String S3_ACCESS_KEY = "CAIRN_TEST_S3_ACCESS_KEY";
    private static final String S3_SECRET_KEY = "CAIRN_TEST_S3_SECRET_KEY";
    private static final List<String> GATEWAY_TOOLS = List.of("radosgw", "radosgw-admin");
    private static final long GATEWAY_TIMEOUT_SECONDS = 90;
    private static final AtomicBoolean S3_SKIP_PRINTED = new AtomicBoolean();
    /** Why there is no S3 server, or null when there is (or can be started). */
    private static final String S3_UNAVAILABLE = findS3UnavailableReason();

    private static Path conf;
    private static RuntimeException startFailure;
    /** The shared cluster when this JVM started it; null when it did not (yet), or uses the one CAIRN_TEST_CEPH_CONF names. */
    private static Started shared;

    private static S3 s3;
    private static RuntimeException s3Failure;

    private TestCeph() {}

    /** Whether the RBD suites can run: a cluster is named by {@code CAIRN_TEST_CEPH_CONF} or can be started here. */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, e.g. "ceph-mon not on PATH; install ..."; null when it is true. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The message a skipped RBD suite reports. */
    public static String skipMessage() {
        return "RBD suites skipped: " + UNAVAILABLE;
    }

    /**
     * Skips the calling test (or class, from a {@code @BeforeAll}) when there is no cluster, printing the reason to
     * the console the first time.
     */
    public static void assumeAvailable() {
        if (!available()) {
            printSkipOnce();
        }
        Assumptions.assumeTrue(available(), TestCeph::skipMessage);
    }

    /**
     * The ceph.conf of the cluster, starting it on the first call when {@code CAIRN_TEST_CEPH_CONF} names none. A
     * cluster that fails to start fails the tests (with the script's output) rather than skipping them: with the
     * packages installed, a cluster that cannot start is a fault to see.
     *
     * @throws IllegalStateException when no cluster is available ({@link #assumeAvailable()} first skips instead) or
     *     the cluster did not start
     */
    public static synchronized Path conf() {
        if (!available()) {
            throw new IllegalStateException(skipMessage());
        }
        if (startFailure != null) {
            throw startFailure;
        }
        if (conf == null) {
            String named = System.getenv(ENVIRONMENT);
            if (named != null && !named.isBlank()) {
                conf = Path.of(named).toAbsolutePath();
            } else {
                try {
                    conf = startSharedCluster();
                } catch (RuntimeException e) {
                    startFailure = e;
                    throw e;
                }
            }
        }
        return conf;
    }

    /** Runs the {@code rbd} command on the pool {@link #POOL} of the cluster ({@link #conf()}); what it printed. */
    public static String rbd(String... arguments) throws IOException, InterruptedException {
        return runRbd(arguments).output();
    }

    /**
     * Runs the {@code rbd} command as {@link #rbd} does, for a step that must succeed; what it printed.
     *
     * @throws IllegalStateException with the command and what it printed, when it exits with anything but 0
     */
    public static String rbdOrFail(String... arguments) throws IOException, InterruptedException {
        Run run = runRbd(arguments);
        if (run.exit() != 0) {
            throw new IllegalStateException(
                    "rbd " + String.join(" ", arguments) + " exited with " + run.exit() + ": " + run.output());
        }
        return run.output();
    }

    /** What an {@code rbd} command printed (standard output and error together), and its exit code. */
    private record Run(int exit, String output) {}

    private static Run runRbd(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("rbd", "-c", conf().toString(), "-p", POOL));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }

    /** The object size of an image of the pool, in bytes: {@code 2^order} as {@code rbd info} shows it. */
    public static long objectSize(String image) throws IOException, InterruptedException {
        String info = rbd("info", "--format", "json", image);
        tools.jackson.databind.JsonNode order = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(info)
                .get("order");
        if (order == null) {
            throw new IllegalStateException("rbd info " + image + " shows no order: " + info);
        }
        return 1L << order.asInt();
    }

    /** Disables a test class or method, as skipped with {@link #skipMessage()}, when there is no cluster. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(Condition.class)
    public @interface Required {}

    /**
     * The condition behind {@link Required}, and for every class when {@code -Dcairn.test.backend=rbd} asks for the RBD
     * backend (surefire has JUnit find it through {@code META-INF/services}): a class is skipped before its
     * {@code @BeforeAll} starts a server, whose {@code @AfterAll} would otherwise fail on the server never started.
     */
    public static final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (available()) {
                return ConditionEvaluationResult.enabled("a Ceph cluster is available");
            }
            boolean wanted = "rbd".equals(System.getProperty("cairn.test.backend")) // as TestServer reads it
                    || context.getElement()
                            .map(element -> AnnotationSupport.isAnnotated(element, Required.class))
                            .orElse(false)
                    || context.getTestClass()
                            .map(type -> AnnotationSupport.isAnnotated(type, Required.class))
                            .orElse(false);
            if (!wanted) {
                return ConditionEvaluationResult.enabled("no Ceph cluster is needed");
            }
            printSkipOnce();
            return ConditionEvaluationResult.disabled(skipMessage());
        }
    }

    /** An S3 server: where it answers, and the key of a user who may create buckets there. */
    public record S3(URI endpoint, String accessKey, String secretKey) {
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", accessKey=" + accessKey + "]";
        }
    }

    /** Whether the backup suites can run: {@code CAIRN_TEST_S3_ENDPOINT} names an S3 server, or a gateway can start. */
    public static boolean s3Available() {
        return S3_UNAVAILABLE == null;
    }

    /** The message a skipped backup suite reports. */
    public static String s3SkipMessage() {
        return "S3 suites skipped: " + S3_UNAVAILABLE;
    }

    /** Skips the calling test (or class) when there is no S3 server, printing the reason to the console the first time. */
    public static void assumeS3Available() {
        if (!s3Available() && S3_SKIP_PRINTED.compareAndSet(false, true)) {
            console().println(s3SkipMessage());
        }
        Assumptions.assumeTrue(s3Available(), TestCeph::s3SkipMessage);
    }

    /**
     * The S3 server, starting the shared cluster and its gateway on the first call when {@code CAIRN_TEST_S3_ENDPOINT}
     * names none; returns once the gateway answers HTTP. A gateway that fails to start fails the tests.
     *
     * @throws IllegalStateException when there is no S3 server ({@link #assumeS3Available()} first skips instead) or
     *     the gateway did not start
     */
    public static synchronized S3 s3() {
        if (!s3Available()) {
            throw new IllegalStateException(s3SkipMessage());
        }
        if (s3Failure != null) {
            throw s3Failure;
        }
        if (s3 == null) {
            String named = System.getenv(S3_ENDPOINT);
            if (named != null && !named.isBlank()) {
                s3 = new S3(URI.create(named), System.getenv(S3_ACCESS_KEY), System.getenv(S3_SECRET_KEY));
            } else {
                try {
                    conf();
                    s3 = startGateway(shared);
                } catch (RuntimeException e) {
                    s3Failure = e;
                    throw e;
                }
            }
        }
        return s3;
    }

    private static String findS3UnavailableReason() {
        String named = System.getenv(S3_ENDPOINT);
        if (named != null && !named.isBlank()) {
            String access = System.getenv(S3_ACCESS_KEY);
            String secret = System.getenv(S3_SECRET_KEY);
            return access == null || access.isBlank() || secret == null || secret.isBlank()
                    ? S3_ENDPOINT + " is set without " + S3_ACCESS_KEY + " and " + S3_SECRET_KEY
                    : null;
        }
        if (System.getenv(ENVIRONMENT) != null && !System.getenv(ENVIRONMENT).isBlank()) {
            return ENVIRONMENT + " names a cluster this JVM starts no gateway for; set " + S3_ENDPOINT + ", "
                    + S3_ACCESS_KEY + " and " + S3_SECRET_KEY;
        }
        String missing = missingTool();
        if (missing == null) {
            missing = GATEWAY_TOOLS.stream()
                    .filter(tool -> !onPath(tool))
                    .findFirst()
                    .map(tool -> tool + " not on PATH; install radosgw")
                    .orElse(null);
        }
        return missing == null ? null : "no S3: " + missing + " (or set " + S3_ENDPOINT + " to an S3 server)";
    }

    /** Starts radosgw on the cluster, with an S3 user, and waits until it answers HTTP. */
    private static S3 startGateway(Started cluster) {
        try {
            int port = freePort();
            S3 gateway = new S3(
                    URI.create("http://127.0.0.1:" + port),
                    "cairn" + UUID.randomUUID().toString().replace("-", "").substring(0, 15),
                    UUID.randomUUID().toString().replace("-", ""));
            ProcessBuilder start = new ProcessBuilder("bash", cluster.script().toString(), "rgw")
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(cluster.log().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> environment = start.environment();
            environment.remove("CEPH_ARGS");
            environment.remove("CEPH_CONF");
            environment.put("CEPH_DIR", cluster.directory().toString());
            environment.put("RGW_PORT", Integer.toString(port));
            environment.put("RGW_ACCESS_KEY", gateway.accessKey());
            environment.put("RGW_SECRET_KEY", gateway.secretKey());
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(GATEWAY_TIMEOUT_SECONDS);
            Process process = start.start();
            if (!process.waitFor(GATEWAY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "micro-ceph.sh rgw took over " + GATEWAY_TIMEOUT_SECONDS + " s: " + tail(cluster.log()));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "micro-ceph.sh rgw exited with " + process.exitValue() + ": " + tail(cluster.log()));
            }
            awaitHttp(gateway.endpoint(), deadline, cluster.log());
            System.err.printf(
                    "TestCeph: RADOS Gateway at %s started in %d ms%n",
                    gateway.endpoint(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a RADOS Gateway", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting a RADOS Gateway", e);
        }
    }

    /** Waits until the endpoint answers an HTTP request with anything but a server error. */
    private static void awaitHttp(URI endpoint, long deadline, Path log) throws InterruptedException {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<Void> response = http.send(
                            HttpRequest.newBuilder(endpoint)
                                    .timeout(Duration.ofSeconds(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() < 500) {
                        return;
                    }
                    last = "HTTP " + response.statusCode();
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("the RADOS Gateway at " + endpoint + " did not answer within "
                    + GATEWAY_TIMEOUT_SECONDS + " s (" + last + "): " + tail(log));
        }
    }

    private static String findUnavailableReason() {
        String named = System.getenv(ENVIRONMENT);
        if (named != null && !named.isBlank()) {
            return Files.isRegularFile(Path.of(named)) ? null : ENVIRONMENT + " names no file: " + named;
        }
        String missing = missingTool();
        return missing == null
                ? null
                : "no Ceph: " + missing + " (or set " + ENVIRONMENT + " to a cluster's ceph.conf)";
    }

    /** What is missing to start a cluster here ("ceph-mon not on PATH; install ..."), or null. */
    private static String missingTool() {
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                return tool + " not on PATH; install " + PACKAGES;
            }
        }
        return null;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null
                && Arrays.stream(path.split(File.pathSeparator))
                        .filter(directory -> !directory.isEmpty())
                        .map(directory -> Path.of(directory, tool))
                        .anyMatch(Files::isExecutable);
    }

    private static void printSkipOnce() {
        if (SKIP_PRINTED.compareAndSet(false, true)) {
            console().println(skipMessage());
        }
    }

    /**
     * Straight to the process's standard error: surefire writes what tests print to report files, but passes the
     * forked JVM's own stderr on to the console, so {@code ./cairn test} shows why the RBD (or S3) suites did not run.
     */
    @SuppressWarnings("resource") // closing it would close the process's stderr
    private static PrintStream console() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    }

    /**
     * Skips the calling test (or class) unless a cluster of its own can be started here, which needs the Ceph daemons
     * on the PATH even when {@code CAIRN_TEST_CEPH_CONF} names a shared cluster.
     */
    public static void assumePrivateAvailable() {
        String missing = missingTool();
        Assumptions.assumeTrue(missing == null, () -> "no private Ceph cluster: " + missing);
    }

    /**
     * Starts a cluster for the calling test alone, as {@link #conf()} starts the shared one, for a test that stops it.
     * A watcher stops it when the JVM ends without {@link PrivateCluster#close()}.
     *
     * @throws IllegalStateException when the Ceph daemons are missing ({@link #assumePrivateAvailable()} first skips
     *     instead) or the cluster did not start
     */
    public static PrivateCluster startPrivate() {
        String missing = missingTool();
        if (missing != null) {
            throw new IllegalStateException("no private Ceph cluster: " + missing);
        }
        return new PrivateCluster(startCluster());
    }

    /** A cluster of one test's own: it may stop the daemons; {@link #close()} also removes the cluster's files. */
    public static final class PrivateCluster implements AutoCloseable {
        private final Started started;
        private boolean stopped;
        private boolean closed;

        private PrivateCluster(Started started) {
            this.started = started;
        }

        public Path conf() {
            return started.conf();
        }

        /**
         * Stops every daemon, waiting until their processes have exited (SIGTERM, then SIGKILL after 30 s).
         *
         * @throws IllegalStateException when a daemon still runs afterwards
         */
        public synchronized void stop() {
            if (stopped) {
                return;
            }
            TestCeph.stop(started.script(), started.directory(), 60);
            // The script sees a daemon gone once its command line is; the process may take a moment more to exit.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<Long> running = daemons();
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                running = daemons();
            }
            if (!running.isEmpty()) {
                throw new IllegalStateException("daemons of " + started.directory() + " still run: " + running);
            }
            stopped = true;
        }

        /** The pids of the cluster's daemons that still run. */
        public List<Long> daemons() {
            Path run = started.directory().resolve("run");
            if (!Files.isDirectory(run)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(run)) {
                return files.filter(file -> file.getFileName().toString().endsWith(".pid"))
                        .map(TestCeph::readPid)
                        .filter(pid -> pid > 0)
                        .flatMap(pid -> ProcessHandle.of(pid).stream())
                        .filter(ProcessHandle::isAlive)
                        .filter(process -> process.info()
                                .commandLine()
                                .map(line -> line.contains(conf().toString()))
                                .orElse(true))
                        .map(ProcessHandle::pid)
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Stops the daemons and removes the cluster's directory and log; the watcher is ended too. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                stop();
            } finally {
                deleteRecursively(started.directory());
                deleteRecursively(started.log());
                started.watcher().destroy();
            }
        }
    }

    /** A cluster started with micro-ceph.sh: the script, its directory and log, and the watcher of this JVM. */
    private record Started(Path script, Path directory, Path log, Process watcher) {
        Path conf() {
            return directory.resolve("ceph.conf");
        }
    }

    /** The shared cluster: stopped by a shutdown hook (and the watcher, however the JVM ends). */
    private static Path startSharedCluster() {
        Started started = startCluster();
        shared = started;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> stop(started.script(), started.directory(), 20), "test-ceph-stop"));
        return started.conf();
    }

    private static Started startCluster() {
        Path script = Path.of(System.getProperty("basedir", "."), "ceph", "micro-ceph.sh")
                .toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no " + script + " to start a Ceph cluster with");
        }
        try {
            Path directory = Files.createTempDirectory("cairn-test-ceph-");
            Path log = directory.resolveSibling(directory.getFileName() + ".log");
            int monPort = freePort();
            Process watcher = watchForExit(script, directory, log);
            ProcessBuilder start = new ProcessBuilder("bash", script.toString(), "start")
                    .redirectErrorStream(true)
                    // A file, not a pipe: the daemons inherit the script's output and outlive it.
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> environment = start.environment();
            environment.remove("CEPH_ARGS");
            environment.remove("CEPH_CONF");
            environment.put("CEPH_DIR", directory.toString());
            environment.put("MON_PORT", Integer.toString(monPort));
            environment.put("WITH_RGW", "0");
            long started = System.nanoTime();
            Process process = start.start();
            if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "micro-ceph.sh start took over " + START_TIMEOUT_SECONDS + " s: " + tail(log));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "micro-ceph.sh start exited with " + process.exitValue() + ": " + tail(log));
            }
            System.err.printf(
                    "TestCeph: cluster in %s (mon 127.0.0.1:%d) started in %d ms%n",
                    directory, monPort, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return new Started(script, directory, log, watcher);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a Ceph cluster with " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting a Ceph cluster", e);
        }
    }

    /**
     * A watcher in a process of its own stops the cluster and removes its directory once this JVM is gone, however it
     * ends: a JVM killed (surefire's timeout, kill -9) runs no shutdown hook, and the daemons would run on.
     */
    private static Process watchForExit(Path script, Path directory, Path log) throws IOException {
        return new ProcessBuilder(
                        "bash",
                        "-c",
                        "while kill -0 \"$0\" 2>/dev/null; do sleep 1; done;"
                                + " CEPH_DIR=\"$1\" bash \"$2\" stop >/dev/null 2>&1; rm -rf \"$1\" \"$3\"",
                        Long.toString(ProcessHandle.current().pid()),
                        directory.toString(),
                        script.toString(),
                        log.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /**
     * Stops the daemons, waiting up to {@code timeoutSeconds} for the script. The shared cluster's shutdown hook waits
     * 20 s, as surefire gives an exiting fork 30 s; the watcher finishes what is left and removes the directory.
     */
    private static void stop(Path script, Path directory, long timeoutSeconds) {
        try {
            ProcessBuilder stop = new ProcessBuilder("bash", script.toString(), "stop")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            stop.environment().put("CEPH_DIR", directory.toString());
            Process process = stop.start();
            process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the watcher stops the cluster
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long readPid(Path file) {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(each -> each.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the watcher removes it when the JVM ends
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
