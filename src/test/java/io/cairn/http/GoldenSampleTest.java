package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Replays every golden sample in {@code src/test/resources/samples} against a fresh server holding
 * {@link SampleData}, and compares the status, the listed headers and the whole body, key order included.
 *
 * <p>A sample is one request and its response. {@code request.path} is below {@code /v3/<project of the
 * token>}; {@code request.url} is a path from the server root. {@code request.body} is sent as JSON (as
 * {@code application/json} unless the headers name a type), {@code request.body_text} as it is. In the
 * expected response, {@code headers} maps a name to its value, or to null when the header must be absent;
 * every sample states {@code x-openstack-request-id}, {@code OpenStack-API-Version} and {@code Vary}.
 * {@code body} is the JSON body (null for an empty one), {@code body_text} a body that is not JSON.
 *
 * <p>Masking: where the expected value is {@code <uuid>}, {@code <timestamp>} (Cinder's format: six fraction
 * digits, no zone) or {@code <request-id>}, the actual value must have that form and is then compared as the
 * placeholder; {@code <uuid>} may also stand inside a longer string (a link to a new volume), whose other parts
 * must then match exactly. {@code {base_url}} stands for the server's scheme, host and port. Everything else, the seeded
 * ids and times included, must match exactly.
 *
 * <p>A sample's optional {@code settings} are configuration keys for its server, such as {@code "faults": "evs"}
 * for EVS's fault bodies.
 */
class GoldenSampleTest {
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final JsonMapper COMPACT = JsonMapper.builder().build();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path SAMPLES = Path.of("src/test/resources/samples");
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Map<String, Pattern> PLACEHOLDERS = Map.of(
            "<uuid>", Pattern.compile(UUID),
            "<timestamp>", Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}"),
            "<request-id>", Pattern.compile("req-" + UUID));
    private static final List<String> REQUIRED_HEADERS =
            List.of("x-openstack-request-id", "OpenStack-API-Version", "Vary");

    private record Replay(String baseUrl, HttpResponse<String> response) {}

    private static ExecutorService executor;
    private static final Map<String, Future<Replay>> REPLAYS = new ConcurrentHashMap<>();

    static List<String> samples() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Each sample gets a server of its own, so that no sample sees another's writes. A server takes up to half
     * a second to stop (its task workers finish their poll), so the replays run side by side, up front.
     */
    @BeforeAll
    static void replayEverySample() throws IOException {
        executor = Executors.newFixedThreadPool(8);
        for (String file : samples()) {
            REPLAYS.put(file, executor.submit(() -> replay(file)));
        }
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void responseMatchesTheGoldenSample(String file) throws Exception {
        Replay replay = REPLAYS.get(file).get();
        HttpResponse<String> reply = replay.response();
        JsonNode expected = read(file, replay.baseUrl()).get("response");
        assertThat(expected.path("headers").propertyNames())
                .as("%s states the headers every response has", file)
                .containsAll(REQUIRED_HEADERS);

        assertThat(reply.statusCode())
                .as("%s status; body %s", file, reply.body())
                .isEqualTo(expected.get("status").intValue());
        for (Map.Entry<String, JsonNode> header : expected.get("headers").properties()) {
            String actual = reply.headers().firstValue(header.getKey()).orElse(null);
            if (header.getValue().isNull()) {
                assertThat(actual)
                        .as("%s header %s is absent", file, header.getKey())
                        .isNull();
            } else {
                assertThat(mask(actual, header.getValue().asString()))
                        .as("%s header %s", file, header.getKey())
                        .isEqualTo(header.getValue().asString());
            }
        }
        if (expected.has("body_text")) {
            assertThat(reply.body())
                    .as("%s body", file)
                    .isEqualTo(expected.get("body_text").asString());
        } else if (expected.path("body").isNull() || expected.path("body").isMissingNode()) {
            assertThat(reply.body()).as("%s body is empty", file).isEmpty();
        } else {
            // Compared as indented text, so that key order counts and a failure shows a readable diff.
            assertThat(JSON.writeValueAsString(mask(JSON.readTree(reply.body()), expected.get("body"))))
                    .as("%s body", file)
                    .isEqualTo(JSON.writeValueAsString(expected.get("body")));
        }
    }

    private static JsonNode read(String file, String baseUrl) throws IOException {
        return JSON.readTree(Files.readString(SAMPLES.resolve(file)).replace("{base_url}", baseUrl));
    }

    private static Replay replay(String file) throws Exception {
        Path dataDir = Files.createTempDirectory("cairn-sample-");
        Map<String, String> settings = new HashMap<>(
                Map.of("quota-snapshots", "-1", "quota-volumes", "-1", "quota-gigabytes", "-1", "nbd-port", "0"));
        read(file, "")
                .path("settings")
                .properties()
                .forEach(e -> settings.put(e.getKey(), e.getValue().asString()));
        try (TestServer server = TestServer.start(dataDir, settings)) {
            SampleData.seed(dataDir);
            return new Replay(
                    server.baseUrl(), send(server, read(file, server.baseUrl()).get("request")));
        } finally {
            deleteTree(dataDir);
        }
    }

    private static HttpResponse<String> send(TestServer server, JsonNode request)
            throws IOException, InterruptedException {
        JsonNode headers = request.path("headers");
        String url;
        if (request.has("url")) {
            url = server.baseUrl() + request.get("url").asString();
        } else {
            String[] token = headers.path("X-Auth-Token").asString("").split(":");
            url = server.baseUrl() + "/v3/" + (token.length > 1 ? token[1] : token[0])
                    + request.get("path").asString();
        }
        String body = null;
        if (request.has("body_text")) {
            body = request.get("body_text").asString();
        } else if (request.has("body") && !request.get("body").isNull()) {
            body = COMPACT.writeValueAsString(request.get("body"));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .method(
                        request.get("method").asString(),
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.properties()
                .forEach(h -> builder.header(h.getKey(), h.getValue().asString()));
        if (body != null && !headers.has("Content-Type")) {
            builder.header("Content-Type", "application/json");
        }
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The actual value with every volatile part replaced by the placeholder the expected value holds there. */
    private static JsonNode mask(JsonNode actual, JsonNode expected) {
        if (actual.isString() && expected.isString()) {
            return StringNode.valueOf(mask(actual.asString(), expected.asString()));
        }
        if (actual.isObject() && expected.isObject()) {
            ObjectNode masked = JSON.createObjectNode();
            actual.properties()
                    .forEach(e -> masked.set(
                            e.getKey(),
                            expected.has(e.getKey()) ? mask(e.getValue(), expected.get(e.getKey())) : e.getValue()));
            return masked;
        }
        if (actual.isArray() && expected.isArray()) {
            ArrayNode masked = JSON.createArrayNode();
            for (int i = 0; i < actual.size(); i++) {
                masked.add(i < expected.size() ? mask(actual.get(i), expected.get(i)) : actual.get(i));
            }
            return masked;
        }
        return actual;
    }

    private static String mask(String actual, String expected) {
        Pattern form = PLACEHOLDERS.get(expected);
        if (form == null && expected.contains("<uuid>")) {
            form = embedded(expected);
        }
        return actual != null && form != null && form.matcher(actual).matches() ? expected : actual;
    }

    /** A value with a placeholder inside it, such as a link to a new volume: the literal parts must match exactly. */
    private static Pattern embedded(String expected) {
        StringBuilder regex = new StringBuilder();
        int from = 0;
        for (int at = expected.indexOf("<uuid>"); at >= 0; at = expected.indexOf("<uuid>", from)) {
            regex.append(Pattern.quote(expected.substring(from, at))).append(UUID);
            from = at + "<uuid>".length();
        }
        return Pattern.compile(
                regex.append(Pattern.quote(expected.substring(from))).toString());
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
