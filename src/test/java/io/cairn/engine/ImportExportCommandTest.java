package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.Main;
import io.cairn.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code cairn volume import} then {@code cairn snapshot export}: the raw image comes back byte for byte. */
class ImportExportCommandTest {
    private static final String PROJECT = "3b2a1c0d9e8f47a6b5c4d3e2f1a0b9c8";

    @TempDir
    Path directory;

    /** In the clear, and over TLS with a project's PSK file ({@code nbd-tls=required}, {@code --nbd-psk-file}). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anImportedImageExportsFromASnapshotUnchanged(boolean tls) throws Exception {
        int nbdPort = DataPathEndToEndTest.freePort();
        byte[] image = new byte[3 * (1 << 20) + 123];
        new Random(3).nextBytes(image);
        Arrays.fill(image, 1 << 20, 2 << 20, (byte) 0); // a zero block the import skips
        Path imageFile = Files.write(directory.resolve("disk.raw"), image);
        Map<String, String> settings = new HashMap<>(Map.of(
                "quota-volumes",
                "-1",
                "quota-snapshots",
                "-1",
                "quota-gigabytes",
                "-1",
                "nbd-port",
                Integer.toString(nbdPort)));
        if (tls) {
            settings.put("nbd-tls", "required");
            settings.put("secret-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        }
        try (TestServer server = TestServer.start(directory.resolve("data"), settings)) {
            List<String> nbd = new ArrayList<>(List.of("--nbd-port", Integer.toString(nbdPort)));
            if (tls) {
                Path pskFile = directory.resolve("keys.psk");
                server.issueNbdCredential(pskFile, "--project", PROJECT);
                nbd.addAll(List.of("--nbd-psk-file", pskFile.toString()));
            }
            String volume = run(Stream.concat(
                            Stream.of(
                                    "volume",
                                    "import",
                                    imageFile.toString(),
                                    "--name",
                                    "imported",
                                    "--url",
                                    server.baseUrl(),
                                    "--project",
                                    PROJECT),
                            nbd.stream())
                    .toArray(String[]::new));
            TestServer.Client api = server.as("alice", PROJECT);
            assertThat(api.get("/volumes/" + volume).json().at("/volume/name").asString())
                    .isEqualTo("imported");
            String snapshot = api.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}")
                    .json()
                    .at("/snapshot/id")
                    .asString();
            api.await("/snapshots/" + snapshot, "/snapshot/status", "available");

            Path exported = directory.resolve("export.raw");
            assertThat(run(Stream.concat(Stream.of("snapshot", "export", snapshot, exported.toString()), nbd.stream())
                            .toArray(String[]::new)))
                    .isEqualTo(exported.toString());
            assertThat(Files.size(exported)).isEqualTo(1L << 30);
            byte[] head = new byte[image.length + 4096];
            try (var in = Files.newInputStream(exported)) {
                assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
            }
            assertThat(Arrays.copyOf(head, image.length)).isEqualTo(image);
            assertThat(Arrays.copyOfRange(head, image.length, head.length)).containsOnly(0);
        }
    }

    /** Runs a cairn command in this JVM and returns what it printed, trimmed. */
    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = Main.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        assertThat(exit)
                .as("cairn %s printed %s", String.join(" ", args), printed)
                .isZero();
        return printed.toString(StandardCharsets.UTF_8).trim();
    }
}
