package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real browser: {@code src/test/console/console.spec.mjs} drives Debian's chromium through
 * playwright-core against a real server, and leaves a screenshot of each page in {@code target/console-screenshots}
 * (the spec's output in {@code target/console-test}).
 * Skipped, saying what to install, without chromium and node; under CI ({@code CI} set) their absence fails instead,
 * since CI installs them.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SOURCES = Path.of("src/test/console");
    private static final Path LOGS = Path.of("target/console-test");
    private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    private static final String PROJECT = "7c1d2e3f4a5b4c6d8e9f0a1b2c3d4e5f";
    private static final String KEYSTONE_PROJECT = "8d2e3f4a5b6c4d7e9f0a1b2c3d4e5f60";
    private static final String ALPINE = "src/main/resources/console/vendor/alpine-csp-3.17.4.esm.min.js";

    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        boolean tools = Files.isExecutable(CHROMIUM) && onPath("node") && onPath("npm");
        String missing = "the console's browser test needs Debian's chromium, nodejs and npm"
                + " (apt-get install chromium nodejs npm)";
        if (System.getenv("CI") != null) {
            assertThat(tools).as(missing).isTrue();
        }
        assumeTrue(tools, missing);
        installPlaywright();
        server = TestServer.start(
                dataDir, Map.of("quota-volumes", "20", "quota-snapshots", "200", "quota-gigabytes", "1000"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyPageWorksInARealBrowser() throws IOException, InterruptedException {
        runSpec("noauth", List.of("noauth", PROJECT), server);
        assertThat(SCREENSHOTS.resolve("volume.png")).exists();
    }

    @Test
    void aKeystoneUserSignsInThroughTheRelay(@TempDir Path keystoneData) throws Exception {
        try (TinyKeystone keystone = TinyKeystone.start()) {
            keystone.addUser("alice", "alice-secret", "web", KEYSTONE_PROJECT, "member", "reader");
            try (TestServer withKeystone = TestServer.start(keystoneData, keystone.cairnSettings())) {
                runSpec(
                        "keystone",
                        List.of("keystone", "alice", "alice-secret", "web", KEYSTONE_PROJECT),
                        withKeystone);
            }
        }
        assertThat(SCREENSHOTS.resolve("sign-in-keystone.png")).exists();
    }

    /** Runs the spec against {@code target} with {@code arguments} after its base URL and screenshot directory. */
    private static void runSpec(String name, List<String> arguments, TestServer target)
            throws IOException, InterruptedException {
        Path log = LOGS.resolve(name + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(
                "node",
                "console.spec.mjs",
                target.baseUrl(),
                SCREENSHOTS.toAbsolutePath().toString()));
        command.addAll(arguments);
        int exit = run(command, log, 5);
        assertThat(exit).as(Files.readString(log)).isZero();
    }

    @Test
    void theVendoredAlpineIsTheBuildThePackageLockPins() throws IOException {
        Path installed = SOURCES.resolve("node_modules/@alpinejs/csp/dist/module.esm.min.js");
        assertThat(Files.readAllBytes(Path.of(ALPINE)))
                .as("%s is a copy of @alpinejs/csp's dist/module.esm.min.js at the version package.json pins", ALPINE)
                .isEqualTo(Files.readAllBytes(installed));
    }

    /**
     * Installs the spec's packages into its directory's node_modules (ignored by git) with {@code npm ci}, exactly
     * the lock file's versions, once per lock file: a changed lock installs again.
     */
    private static void installPlaywright() throws IOException, InterruptedException {
        Files.createDirectories(LOGS);
        Path lock = SOURCES.resolve("package-lock.json");
        Path installedLock = SOURCES.resolve("node_modules/.lock-of-this-install.json");
        if (Files.exists(installedLock) && Files.mismatch(lock, installedLock) == -1) {
            return;
        }
        Path log = LOGS.resolve("npm.log");
        int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), log, 5);
        assertThat(exit)
                .as("npm ci: %s", Files.readString(log, StandardCharsets.UTF_8))
                .isZero();
        Files.copy(lock, installedLock, StandardCopyOption.REPLACE_EXISTING);
    }

    private static int run(List<String> command, Path log, int minutes) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(SOURCES.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command + " took more than " + minutes + " minutes: " + Files.readString(log));
        }
        return process.exitValue();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, tool))) {
                return true;
            }
        }
        return false;
    }
}
