package io.cairn.engine.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Debian NBD tools the data path must work with: qemu-io (qemu-utils) and nbdcopy (libnbd-bin). Public for the
 * API suites that read what they wrote back over NBD.
 */
public final class Tools {
    private Tools() {}

    /** Why the tests that need the tools are skipped without them: the rest of {@code ./cairn test} needs only a JDK and Maven. */
    public static final String MISSING =
            "needs qemu-io and nbdcopy on the PATH: install the Debian packages qemu-utils and libnbd-bin";

    /** Whether both tools are on the PATH. */
    public static boolean installed() {
        return onPath("qemu-io") && onPath("nbdcopy");
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null
                && Arrays.stream(path.split(File.pathSeparator))
                        .filter(directory -> !directory.isEmpty())
                        .map(directory -> Path.of(directory, tool))
                        .anyMatch(Files::isExecutable);
    }

    /** Runs {@code qemu-io} commands (e.g. {@code "write -P 0xab 0 1M"}) against an NBD URI. */
    public static void qemuIo(String uri, String... commands) throws IOException, InterruptedException {
        qemuIo(List.of("-f", "raw", uri), commands);
    }

    /**
     * Runs {@code qemu-io} commands against an export over TLS, proving {@code identity}'s key from the PSK file
     * {@code keys.psk} in {@code pskDirectory} (qemu's {@code tls-creds-psk}).
     */
    public static void qemuIoTls(int port, String export, Path pskDirectory, String identity, String... commands)
            throws IOException, InterruptedException {
        qemuIo(
                List.of(
                        "--object",
                        "tls-creds-psk,id=tls0,endpoint=client,dir=" + pskDirectory + ",username=" + identity,
                        "--image-opts",
                        "driver=nbd,server.type=inet,server.host=127.0.0.1,server.port=" + port + ",export=" + export
                                + ",tls-creds=tls0"),
                commands);
    }

    /** The libnbd URI (nbdinfo, nbdcopy) of an export over TLS, proving {@code identity}'s key from {@code pskFile}. */
    public static String tlsUri(int port, String export, String identity, Path pskFile) {
        return "nbds://" + identity + "@127.0.0.1:" + port + "/" + export + "?tls-psk-file=" + pskFile;
    }

    private static void qemuIo(List<String> target, String... commands) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("qemu-io"));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.addAll(target);
        String output = new String(run(command), StandardCharsets.UTF_8);
        assertThat(output).as("qemu-io %s", String.join(" ", command)).doesNotContain("failed", "error", "Error");
    }

    /** The whole export, read with nbdcopy. */
    public static byte[] readAll(String uri) throws IOException, InterruptedException {
        return run(List.of("nbdcopy", uri, "-"));
    }

    /** Copies the whole export into a local file with nbdcopy (sparse where the export reads as zeros). */
    public static void copyExportTo(String uri, java.nio.file.Path file) throws IOException, InterruptedException {
        run(List.of("nbdcopy", uri, file.toString()));
    }

    /** Copies a local file onto the export with nbdcopy. */
    static void copyFileTo(java.nio.file.Path file, String uri) throws IOException, InterruptedException {
        run(List.of("nbdcopy", file.toString(), uri));
    }

    /** What {@code nbdinfo} (libnbd-bin) prints for these arguments. */
    public static String nbdinfo(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("nbdinfo"));
        command.addAll(List.of(arguments));
        return new String(run(command), StandardCharsets.UTF_8);
    }

    /** What {@code qemu-img} (qemu-utils) prints for these arguments. */
    static String qemuImg(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(arguments));
        return new String(run(command), StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread errors = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), stderr));
        copy(process.getInputStream(), stdout);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        errors.join();
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
                    + stderr.toString(StandardCharsets.UTF_8));
        }
        return stdout.toByteArray();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // the process ended; what was read is what there is
        }
    }
}
