package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands as an operator runs them, each in a process of its own: on a data directory that does not exist
 * yet they create it, as serve does; what they cannot do is said in one line, without a stack trace.
 */
class CommandLineTest {
    private static final String PROJECT = "2d3e4f5a6b7c48d9e0f1a2b3c4d5e6f7";
    private static final String SECRET_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    /** {@code cairn args...} with the secret key and {@code environment} set, and no Cairn settings of this machine's. */
    private Run cairn(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classPath,
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("CAIRN_"));
        builder.environment().put("CAIRN_SECRET_KEY", SECRET_KEY);
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("cairn %s finished", String.join(" ", args))
                .isTrue();
        return new Run(
                process.exitValue(),
                Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private Run cairn(String... args) throws IOException, InterruptedException {
        return cairn(Map.of(), args);
    }

    @Test
    void accessKeyCreateOnAFreshDataDirectoryCreatesIt() throws Exception {
        Path fresh = dir.resolve("fresh/data");

        Run created = cairn("access-key", "create", "--project", PROJECT, "--data-dir", fresh.toString(), "--json");

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).matches("\\{\"access\":\"[A-Z0-9]+\",\"secret\":\"[^\"]+\"}\\s*");
        assertThat(fresh.resolve("cairn.db")).exists();
        String access = created.out().replaceAll("(?s).*\"access\":\"([A-Z0-9]+)\".*", "$1");
        assertThat(cairn("access-key", "list", "--data-dir", fresh.toString()).out())
                .contains(access, PROJECT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"access-key list", "db migrate", "db status"})
    void everyCommandOnTheDatabaseCreatesItsDataDirectory(String subcommand) throws Exception {
        Path fresh = dir.resolve("new/" + subcommand.replace(' ', '-'));
        List<String> args = new ArrayList<>(List.of(subcommand.split(" ")));
        args.addAll(List.of("--data-dir", fresh.toString()));

        Run run = cairn(args.toArray(String[]::new));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(fresh).isDirectory();
    }

    private void assertOneLine(Run run, int exit, String message) {
        assertThat(run.exit()).as(run.err()).isEqualTo(exit);
        assertThat(run.err()).as("no stack trace").doesNotContain("\tat ", "Exception");
        assertThat(run.err().lines().filter(line -> line.startsWith("cairn: ")).toList())
                .containsExactly("cairn: " + message);
    }

    /** A data directory that cannot be created: its parent is a file. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "serve --port 0 --nbd-port 0",
                "db status",
                "access-key list",
                "bench seed --project p --snapshots 1"
            })
    void aDataDirectoryThatCannotBeCreatedIsOneLine(String subcommand) throws Exception {
        Files.writeString(dir.resolve("file"), "");
        List<String> args = new ArrayList<>(List.of(subcommand.split(" ")));
        args.addAll(List.of("--data-dir", dir.resolve("file/data").toString()));

        assertOneLine(cairn(args.toArray(String[]::new)), 1, dir.resolve("file/data") + ": Not a directory");
    }

    @Test
    void aDatabaseThatCannotBeReachedIsOneLine() throws Exception {
        Run run = cairn(Map.of("CAIRN_DB_URL", "jdbc:postgresql://127.0.0.1:1/cairn"), "access-key", "list");

        assertOneLine(
                run,
                1,
                "cannot open the database: Connection to 127.0.0.1:1 refused. Check that the hostname and port are"
                        + " correct and that the postmaster is accepting TCP/IP connections.");
    }

    @Test
    void aBadSettingIsOneLineAndExit2() throws Exception {
        Run run = cairn(
                Map.of("CAIRN_DB_POOL_SIZE", "0"),
                "bench",
                "seed",
                "--data-dir",
                dir.resolve("d").toString(),
                "--project",
                "p",
                "--snapshots",
                "1");

        assertOneLine(
                run,
                2,
                "Invalid configuration db-pool-size (CAIRN_DB_POOL_SIZE, --db-pool-size): '0' is not a pool size (1-512)");
    }

    @Test
    void aMissingImageOrAnUnreachableServerIsOneLine() throws Exception {
        Path image = dir.resolve("disk.raw");
        assertOneLine(
                cairn("volume", "import", image.toString(), "--name", "v", "--project", PROJECT),
                1,
                image + ": no such file or directory");

        Files.write(image, new byte[4096]);
        assertOneLine(
                cairn(
                        "volume",
                        "import",
                        image.toString(),
                        "--name",
                        "v",
                        "--project",
                        PROJECT,
                        "--url",
                        "http://127.0.0.1:1"),
                1,
                "the Cairn API at http://127.0.0.1:1 cannot be reached: connection refused");
        assertOneLine(
                cairn(
                        "snapshot",
                        "export",
                        "00000000-0000-4000-8000-000000000000",
                        dir.resolve("out.raw").toString(),
                        "--nbd-port",
                        "1"),
                1,
                "the NBD data path at 127.0.0.1:1 cannot be reached: Connection refused");
    }
}
