package io.cairn;

import io.cairn.config.CairnConfig;
import io.cairn.config.Settings;
import io.cairn.engine.nbd.PresharedKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Cairn on a real SQLite file and a free port, with a small HTTP client for tests. With
 * {@code -Dcairn.test.db=postgresql} every server runs on PostgreSQL instead: a database of its own per data
 * directory, so a server restarted on the same directory finds its rows again. With {@code -Dcairn.test.backend=rbd}
 * every server keeps its volumes in the pool {@code rbd} of {@link TestCeph}'s cluster (unless the test sets
 * {@code backend} itself), and the test is skipped, with the reason, when there is no cluster.
 */
public final class TestServer implements AutoCloseable {
    private static final boolean ON_POSTGRESQL = "postgresql".equals(System.getProperty("cairn.test.db"));
    private static final boolean ON_RBD = "rbd".equals(System.getProperty("cairn.test.backend"));
    private static final Map<Path, String> POSTGRESQL_URLS = new ConcurrentHashMap<>();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * Bodies larger than this are sent with {@code Expect: 100-continue}: a server that refuses a request from its
     * path or headers answers before the body is sent, instead of closing a connection the client is still writing to.
     */
    public static final int LARGE_BODY = 64 * 1024;

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Main.Running running;
    /** The settings the server started with, for the command line run against its database. */
    private final Map<String, String> settings;

    private TestServer(Main.Running running, Map<String, String> settings) {
        this.running = running;
        this.settings = Map.copyOf(settings);
    }

    /** Starts a server with data in {@code dataDir}; {@code settings} are extra configuration keys. */
    public static TestServer start(Path dataDir, Map<String, String> settings) {
        Map<String, String> flags = new HashMap<>(settings);
        flags.put("data-dir", dataDir.toString());
        flags.putIfAbsent("port", "0");
        flags.putIfAbsent("nbd-port", "0");
        flags.putIfAbsent("node", "test");
        if (ON_POSTGRESQL && !flags.containsKey("db-url")) {
            flags.put("db-url", postgresqlUrl(dataDir));
            flags.put("db-user", TestPostgres.USER);
        }
        if (ON_RBD && !flags.containsKey("backend")) {
            TestCeph.assumeAvailable();
            flags.put("backend", "rbd");
            flags.put("ceph-conf", TestCeph.conf().toString());
            flags.put("ceph-user", TestCeph.USER);
            flags.put("rbd-pool", TestCeph.POOL);
        }
        try {
            return new TestServer(
                    Main.start(CairnConfig.from(Settings.load(flags, Map.of(), Optional.empty()))), flags);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The database settings a command run against the server with data in {@code dataDir} needs besides its data-dir. */
    public static Map<String, String> databaseSettings(Path dataDir) {
        return ON_POSTGRESQL ? Map.of("db-url", postgresqlUrl(dataDir), "db-user", TestPostgres.USER) : Map.of();
    }

    /** A connection to the database of the server with data in {@code dataDir}, for setting rows no API can. */
    public static Connection connect(Path dataDir) throws SQLException {
        if (ON_POSTGRESQL) {
            return DriverManager.getConnection(postgresqlUrl(dataDir), TestPostgres.USER, null);
        }
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("cairn.db"));
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 30000");
        }
        return connection;
    }

    private static String postgresqlUrl(Path dataDir) {
        return POSTGRESQL_URLS.computeIfAbsent(dataDir.toAbsolutePath(), directory -> TestPostgres.newDatabaseUrl());
    }

    public static TestServer start(Path dataDir) {
        return start(dataDir, Map.of("quota-snapshots", "-1", "quota-volumes", "-1", "quota-gigabytes", "-1"));
    }

    /** Runs the sweep that cleans up snapshot ingests past their timeout now; returns how many it expired. */
    public int sweepIngests() {
        return running.ingestSweeper().runNow();
    }

    /**
     * Issues an NBD TLS identity with {@code cairn nbd-credentials create} and these options (such as {@code
     * --project P}) against this server's database and secret-key; its key is written to {@code pskFile}.
     */
    public PresharedKey issueNbdCredential(Path pskFile, String... options) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("create", "--psk-file", pskFile.toString()));
        arguments.addAll(List.of(options));
        nbdCredentials(arguments);
        return PresharedKey.fromFile(pskFile, Optional.empty());
    }

    /** Revokes an NBD TLS identity with {@code cairn nbd-credentials revoke}. */
    public void revokeNbdCredential(String identity) throws IOException {
        nbdCredentials(List.of("revoke", identity));
    }

    /** Runs {@code cairn nbd-credentials} in this JVM with this server's database and secret-key settings. */
    private void nbdCredentials(List<String> arguments) throws IOException {
        Path config = Files.createTempFile("cairn-cli", ".properties");
        try {
            Properties properties = new Properties();
            for (String key : List.of("data-dir", "db-url", "db-user", "secret-key")) {
                Optional.ofNullable(settings.get(key)).ifPresent(value -> properties.setProperty(key, value));
            }
            try (var out = Files.newOutputStream(config)) {
                properties.store(out, null);
            }
            List<String> command = new ArrayList<>(List.of("nbd-credentials", arguments.getFirst()));
            command.addAll(List.of("--config", config.toString()));
            command.addAll(arguments.subList(1, arguments.size()));
            int exit = Main.commandLine().execute(command.toArray(String[]::new));
            if (exit != 0) {
                throw new IOException("cairn " + String.join(" ", command) + " exited with " + exit);
            }
        } finally {
            Files.delete(config);
        }
    }

    public int nbdPort() {
        return running.nbdPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + running.port();
    }

    /** A client acting as {@code user} of {@code project} with the given noauth roles (admin when none). */
    public Client as(String user, String project, String... roles) {
        String token = user + ":" + project + (roles.length == 0 ? "" : ":" + String.join(",", roles));
        return new Client(this, project, token, null);
    }

    @Override
    public void close() {
        running.close();
    }

    /** A request builder bound to one token, project and microversion. */
    public record Client(TestServer server, String project, String token, String version) {
        public Client version(String microversion) {
            return new Client(server, project, token, microversion);
        }

        /** Polls {@code path} until the JSON value at {@code pointer} equals {@code expected} (or 30 s pass). */
        public JsonNode await(String path, String pointer, String expected) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonNode last = null;
            while (System.nanoTime() < deadline) {
                Reply reply = get(path);
                if (reply.status() == 200) {
                    last = reply.json();
                    if (expected.equals(last.at(pointer).asString())) {
                        return last;
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            throw new AssertionError(path + " never had " + pointer + " = " + expected + "; last: " + last);
        }

        /** Polls {@code path} until it answers 404 (or 30 s pass). */
        public void awaitGone(String path) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (get(path).status() == 404) {
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            throw new AssertionError(path + " never went away");
        }

        public Reply get(String path) {
            return send("GET", path, null, "application/json");
        }

        public Reply delete(String path) {
            return send("DELETE", path, null, "application/json");
        }

        public Reply post(String path, String body) {
            return send("POST", path, body, "application/json");
        }

        public Reply put(String path, String body) {
            return send("PUT", path, body, "application/json");
        }

        /** {@code path} below {@code /v3/<project>}, or a full path when it starts with "//". */
        public Reply send(String method, String path, String body, String contentType) {
            String url = path.startsWith("//")
                    ? server.baseUrl() + path.substring(1)
                    : server.baseUrl() + "/v3/" + project + path;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .expectContinue(body != null && body.length() > LARGE_BODY)
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                request.header("X-Auth-Token", token);
            }
            if (version != null) {
                request.header("OpenStack-API-Version", "volume " + version);
            }
            if (body != null && contentType != null) {
                request.header("Content-Type", contentType);
            }
            return TestServer.send(request.build());
        }
    }

    /** Sends a request built by hand (one with headers of its own, a binary body) and reads its reply as text. */
    public static Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response: status, headers and the body as text and (when it is JSON) as a tree. */
    public record Reply(int status, Map<String, java.util.List<String>> headers, String text) {
        public JsonNode json() {
            return JSON.readTree(text);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        /** The fault message of an error body. */
        public String message() {
            JsonNode body = json();
            return body.properties().iterator().next().getValue().get("message").asString();
        }
    }
}
