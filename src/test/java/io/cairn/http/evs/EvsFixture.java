package io.cairn.http.evs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.Main;
import io.cairn.TestServer;
import io.cairn.TestServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A Cairn speaking EVS (faults=evs, auth=noauth,aksk) and the access keys made with `cairn access-key`. */
final class EvsFixture {
    static final String SECRET_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Credential(String access, String secret) {}

    private EvsFixture() {}

    /** An EVS fault: the status, {@code error.code}, {@code error.message} (unless null) and the request id header. */
    static void assertFault(Reply reply, int status, String code, String message) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        JsonNode error = reply.json().get("error");
        assertThat(error.get("code").asString()).isEqualTo(code);
        if (message != null) {
            assertThat(error.get("message").asString()).isEqualTo(message);
        }
        assertThat(reply.header("X-Request-Id")).startsWith("req-");
    }

    static TestServer start(Path dir, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "faults",
                "evs",
                "auth",
                "noauth,aksk",
                "secret-key",
                SECRET_KEY,
                "quota-snapshots",
                "-1",
                "quota-volumes",
                "-1",
                "quota-gigabytes",
                "-1"));
        settings.putAll(extra);
        return TestServer.start(dir, settings);
    }

    /** Runs {@code cairn access-key create --project P --json} against the server's data directory. */
    static Credential createAccessKey(Path dir, String project, String... extraArgs) throws IOException {
        Path config = dir.resolve("cairn.properties");
        StringBuilder properties = new StringBuilder("secret-key=" + SECRET_KEY + "\n");
        // The key goes into the server's database, which is not the data directory's SQLite in the PostgreSQL pass.
        TestServer.databaseSettings(dir).forEach((key, value) -> properties.append(key + "=" + value + "\n"));
        Files.writeString(config, properties);
        String[] args = new String[6 + extraArgs.length];
        String[] base = {"access-key", "create", "--project", project, "--json", "--data-dir=" + dir};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extraArgs, 0, args, base.length, extraArgs.length);
        String out = run(concat(args, "--config=" + config));
        JsonNode json = JSON.readTree(out);
        return new Credential(json.get("access").asString(), json.get("secret").asString());
    }

    static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        synchronized (EvsFixture.class) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                exit = Main.commandLine().execute(args);
            } finally {
                System.setOut(original);
            }
        }
        if (exit != 0) {
            throw new AssertionError("cairn " + String.join(" ", args) + " exited " + exit + ": " + captured);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static String[] concat(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }

    /** Creates an available volume with noauth, returning its id. */
    static String availableVolume(TestServer.Client client, int size) {
        String id = client.post("/volumes", "{\"volume\":{\"size\":" + size + "}}")
                .json()
                .at("/volume/id")
                .asString();
        client.await("/volumes/" + id, "/volume/status", "available");
        return id;
    }
}
