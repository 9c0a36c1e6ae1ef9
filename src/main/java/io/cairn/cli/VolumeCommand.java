package io.cairn.cli;

import io.cairn.engine.nbd.NbdClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code cairn volume import FILE --name N}: creates a volume through the running server's API (so the row,
 * quota and status follow the usual rules), waits until it is available, then writes the raw image through
 * the NBD data path. The server stays the only process that touches the chunk store.
 */
@Command(
        name = "volume",
        mixinStandardHelpOptions = true,
        description = "Work with volume data.",
        subcommands = VolumeCommand.Import.class)
public final class VolumeCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Create a volume from a raw image FILE; prints the new volume's id.")
    static final class Import implements Callable<Integer> {
        private static final long GIB = 1L << 30;
        private static final int BLOCK = 1 << 20;
        private static final JsonMapper JSON = JsonMapper.builder().build();

        @Parameters(index = "0", paramLabel = "FILE", description = "A raw disk image.")
        Path file;

        @Option(names = "--name", required = true, description = "Name of the new volume.")
        String name;

        @Option(names = "--size", description = "Size in GiB (default: the image size rounded up).")
        Long sizeGib;

        @Option(
                names = "--url",
                defaultValue = "${env:CAIRN_URL:-http://127.0.0.1:8776}",
                description = "The Cairn API (CAIRN_URL; default ${DEFAULT-VALUE}).")
        String url;

        @Option(
                names = "--project",
                defaultValue = "${env:OS_PROJECT_ID}",
                required = true,
                description = "Project that owns the volume (OS_PROJECT_ID).")
        String project;

        @Option(
                names = "--token",
                defaultValue = "${env:OS_AUTH_TOKEN}",
                description = "X-Auth-Token (OS_AUTH_TOKEN; default the noauth token cairn-import:<project>).")
        String token;

        @Mixin
        NbdEndpoint nbd;

        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        @Override
        public Integer call() throws Exception {
            long imageSize = Files.size(file);
            long size = sizeGib != null ? sizeGib : Math.max(1, (imageSize + GIB - 1) / GIB);
            if (size * GIB < imageSize) {
                System.err.println("cairn: the image (" + imageSize + " bytes) does not fit in " + size + " GiB");
                return 2;
            }
            ObjectNode body = JSON.createObjectNode();
            body.putObject("volume").put("size", size).put("name", name);
            HttpResponse<String> created = send(HttpRequest.newBuilder(api("/volumes"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
            if (created.statusCode() != 202) {
                System.err.println(
                        "cairn: the server refused the volume (" + created.statusCode() + "): " + created.body());
                return 1;
            }
            String volumeId = JSON.readTree(created.body()).at("/volume/id").asString();
            String status = awaitSettled(volumeId);
            if (!"available".equals(status)) {
                System.err.println("cairn: volume " + volumeId + " ended up " + status + " instead of available");
                return 1;
            }
            copy(volumeId, imageSize);
            System.out.println(volumeId);
            return 0;
        }

        private void copy(String volumeId, long imageSize) throws IOException {
            ProgressBar progress = new ProgressBar("importing " + file + " into volume " + volumeId, imageSize);
            byte[] block = new byte[BLOCK];
            try (NbdClient client = nbd.connect(volumeId);
                    InputStream in = Files.newInputStream(file)) {
                long offset = 0;
                int length;
                while ((length = in.readNBytes(block, 0, BLOCK)) > 0) {
                    if (!Blocks.isZero(block, length)) { // a new volume already reads as zeros
                        client.write(offset, block, 0, length, false);
                    }
                    offset += length;
                    progress.update(offset);
                }
                client.flush();
            }
        }

        private String awaitSettled(String volumeId) throws IOException, InterruptedException {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (Instant.now().isBefore(deadline)) {
                HttpResponse<String> response =
                        send(HttpRequest.newBuilder(api("/volumes/" + volumeId)).GET());
                if (response.statusCode() == 200) {
                    String status =
                            JSON.readTree(response.body()).at("/volume/status").asString();
                    if (!"creating".equals(status)) {
                        return status;
                    }
                }
                Thread.sleep(100);
            }
            return "creating (timed out)";
        }

        private URI api(String path) {
            return URI.create(url.replaceAll("/+$", "") + "/v3/" + project + path);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            String authToken = token != null && !token.isBlank() ? token : "cairn-import:" + project;
            try {
                return http.send(
                        request.header("X-Auth-Token", authToken)
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IOException(
                        "the Cairn API at " + url + " cannot be reached: " + CommandFailures.reason(e), e);
            }
        }
    }
}
