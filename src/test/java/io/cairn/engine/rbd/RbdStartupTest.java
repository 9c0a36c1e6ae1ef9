package io.cairn.engine.rbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.Main;
import io.cairn.TestCeph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster that cannot be used stops `cairn serve` at once, with one line naming the setting to fix. */
class RbdStartupTest {
    @TempDir
    Path dir;

    @Test
    void aMissingConfigurationFileNamesCephConf() throws Exception {
        assertThat(serve("--ceph-conf", dir.resolve("nope.conf").toString()))
                .contains("cairn: Invalid configuration ceph-conf (CAIRN_CEPH_CONF, --ceph-conf): "
                        + dir.resolve("nope.conf") + " is not a readable file");
    }

    @Test
    void monitorsThatDoNotAnswerNameCephConf() throws Exception {
        TestCeph.assumeAvailable(); // librados is there whenever a cluster is
        Path conf = dir.resolve("ceph.conf");
        Files.writeString(conf, "[global]\nmon host = 127.0.0.1:1\nauth client required = none\n");
        assertThat(serve("--ceph-conf", conf.toString()))
                .contains("cairn: Invalid configuration ceph-conf (CAIRN_CEPH_CONF, --ceph-conf): no monitor");
    }

    @Test
    void anUnknownUserNamesCephUserAndAMissingPoolNamesRbdPool() throws Exception {
        TestCeph.assumeAvailable();
        String conf = TestCeph.conf().toString();
        assertThat(serve("--ceph-conf", conf, "--ceph-user", "nobody"))
                .contains("cairn: Invalid configuration ceph-user (CAIRN_CEPH_USER, --ceph-user): ");
        assertThat(serve("--ceph-conf", conf, "--rbd-pool", "no-such-pool"))
                .contains("cairn: Invalid configuration rbd-pool (CAIRN_RBD_POOL, --rbd-pool): the pool no-such-pool");
    }

    @Test
    void anObjectSizeLibrbdCannotMakeNamesRbdObjectSize() throws Exception {
        assertThat(serve(Map.of("CAIRN_RBD_OBJECT_SIZE", "3M")))
                .contains("cairn: Invalid configuration rbd-object-size (CAIRN_RBD_OBJECT_SIZE, --rbd-object-size):"
                        + " '3M' is not a power of two from 4K to 32M");
    }

    /** `cairn serve --backend rbd ...`, which must exit; returns its standard error. */
    private String serve(String... settings) throws IOException, InterruptedException {
        return serve(Map.of(), settings);
    }

    /** As {@link #serve(String...)}, with {@code CAIRN_*} variables of the test's own. */
    private String serve(Map<String, String> environment, String... settings) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classPath,
                Main.class.getName(),
                "serve",
                "--port",
                "0",
                "--nbd-port",
                "0",
                "--data-dir",
                dir.resolve("data").toString(),
                "--backend",
                "rbd"));
        command.addAll(List.of(settings));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("CAIRN_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("cairn serve exits")
                .isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        return output;
    }
}
