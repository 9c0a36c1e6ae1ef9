package io.cairn;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Cairn as a separate operating-system process, for tests that kill it. */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code cairn serve} on a free port with data in {@code dataDir} and waits until /healthz answers. */
    public static ServerProcess start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        return start(dataDir, Map.of(), extraArgs);
    }

    /** Starts {@code cairn serve} as above, with {@code environment} added to (or replacing) its settings. */
    public static ServerProcess start(Path dataDir, Map<String, String> environment, String... extraArgs)
            throws IOException, InterruptedException {
        int port = freePort();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classPath,
                Main.class.getName(),
                "serve",
                "--port",
                Integer.toString(port),
                "--data-dir",
                dataDir.toString()));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("server-" + port + ".log").toFile());
        builder.environment().put("CAIRN_QUOTA_SNAPSHOTS", "-1");
        builder.environment().put("CAIRN_QUOTA_VOLUMES", "-1");
        builder.environment().put("CAIRN_QUOTA_GIGABYTES", "-1");
        builder.environment().put("CAIRN_NODE", "restart-test");
        builder.environment().putIfAbsent("CAIRN_NBD_PORT", "0");
        builder.environment().putAll(environment);
        ServerProcess server = new ServerProcess(builder.start(), port);
        try {
            server.awaitHealthy(Duration.ofSeconds(30));
        } catch (RuntimeException | InterruptedException e) {
            server.kill(); // a server that never came up must not outlive the test
            throw e;
        }
        return server;
    }

    /** The server's process id, to read its memory from /proc. */
    public long pid() {
        return process.pid();
    }

    /** Whether it still runs (after {@link #close}: whether SIGTERM has not yet ended it). */
    public boolean isAlive() {
        return process.isAlive();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** kill -9: no shutdown hook runs, nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitHealthy(Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("cairn exited with " + process.exitValue());
            }
            try {
                HttpResponse<Void> response = client.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("cairn did not become healthy within " + timeout);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
