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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * images.
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

    private static Path conf;
    private static RuntimeException startFailure;

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
                    conf = startCluster();
                } catch (RuntimeException e) {
                    startFailure = e;
                    throw e;
                }
            }
        }
        return conf;
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

    private static String findUnavailableReason() {
        String named = System.getenv(ENVIRONMENT);
        if (named != null && !named.isBlank()) {
            return Files.isRegularFile(Path.of(named)) ? null : ENVIRONMENT + " names no file: " + named;
        }
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                return "no Ceph: " + tool + " not on PATH; install " + PACKAGES + " (or set " + ENVIRONMENT
                        + " to a cluster's ceph.conf)";
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

    /**
     * Straight to the process's standard error: surefire writes what tests print to report files, but passes the
     * forked JVM's own stderr on to the console, so {@code ./cairn test} shows why the RBD suites did not run.
     */
    private static void printSkipOnce() {
        if (SKIP_PRINTED.compareAndSet(false, true)) {
            @SuppressWarnings("resource") // closing it would close the process's stderr
            PrintStream console =
                    new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
            console.println(skipMessage());
        }
    }

    private static Path startCluster() {
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
            watchForExit(script, directory, log);
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
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(script, directory), "test-ceph-stop"));
            return directory.resolve("ceph.conf");
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
    private static void watchForExit(Path script, Path directory, Path log) throws IOException {
        new ProcessBuilder(
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

    /** Stops the daemons before the JVM exits (the watcher removes the directory after). */
    private static void stop(Path script, Path directory) {
        try {
            ProcessBuilder stop = new ProcessBuilder("bash", script.toString(), "stop")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            stop.environment().put("CEPH_DIR", directory.toString());
            Process process = stop.start();
            // surefire gives an exiting fork 30 s; the watcher finishes what is left
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the JVM is exiting; the watcher stops the cluster
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
