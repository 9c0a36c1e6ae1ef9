package io.cairn.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cairn.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests that break HTTP itself: a body whose framing is wrong or that ends early, a path no URL may hold.
 * Each is the client's error: a 400 with the dialect's fault body, one access-log line, and no stack trace.
 */
class BrokenRequestTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROJECT = "8c7b6a5f4e3d40c2b1a0f9e8d7c6b5a4";
    private static final String GENERIC_400 =
            "The server could not comply with the request since it is either malformed or otherwise incorrect.";

    @TempDir
    static Path cinderDir;

    @TempDir
    static Path evsDir;

    static TestServer cinder;
    static TestServer evs;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() {
        cinder = TestServer.start(cinderDir);
        evs = TestServer.start(evsDir, Map.of("faults", "evs"));
    }

    @AfterAll
    static void stop() {
        cinder.close();
        evs.close();
    }

    @BeforeEach
    void listen() {
        log.start();
        root().addAppender(log);
    }

    @AfterEach
    void stopListening() {
        root().detachAppender(log);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** A POST of a volume with the given framing headers and the bytes that follow them, as they are. */
    private static byte[] post(String path, String framing, String rest) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: u:" + PROJECT
                        + "\r\nContent-Type: application/json\r\n" + framing + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(rest.getBytes(StandardCharsets.US_ASCII));
        return request.toByteArray();
    }

    private static final String CHUNKED = "Transfer-Encoding: chunked\r\n";

    static Stream<Arguments> brokenBodies() {
        String volume = "{\"volume\":{\"size\":1}}";
        String hex = Integer.toHexString(volume.length());
        return Stream.of(
                Arguments.of("a chunk size that is not hex", CHUNKED, "zz\r\n" + volume + "\r\n0\r\n\r\n", false),
                Arguments.of("a chunk shorter than announced", CHUNKED, "ff\r\n" + volume + "\r\n0\r\n\r\n", true),
                Arguments.of("a chunk longer than announced", CHUNKED, "3\r\n" + volume + "\r\n0\r\n\r\n", false),
                Arguments.of(
                        "a flood of chunk extensions",
                        CHUNKED,
                        hex + ";a=b".repeat(5_000) + "\r\n" + volume + "\r\n0\r\n\r\n",
                        false),
                Arguments.of(
                        "a flood of trailers",
                        CHUNKED,
                        hex + "\r\n" + volume + "\r\n0\r\n" + "X-Trailer: v\r\n".repeat(5_000) + "\r\n",
                        false),
                Arguments.of(
                        "a Content-Length longer than the body, then a half-close",
                        "Content-Length: 100\r\n",
                        volume,
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenBodies")
    void aBrokenBodyIsCindersMalformedBody(String described, String framing, String rest, boolean halfClose)
            throws Exception {
        RawHttp.Response response =
                RawHttp.exchange(port(cinder), post("/v3/" + PROJECT + "/volumes", framing, rest), halfClose);

        assertFault(response, "badRequest", 400, "Malformed request body");
        assertOneAccessLineAndNoTrace(response, 400);
        assertThat(cinder.as("u", PROJECT).get("/volumes").json().get("volumes"))
                .as("nothing was created")
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenBodies")
    void aBrokenBodyIsEvssMalformedBodyInItsDialect(String described, String framing, String rest, boolean halfClose)
            throws Exception {
        RawHttp.Response response =
                RawHttp.exchange(port(evs), post("/v2/" + PROJECT + "/cloudsnapshots", framing, rest), halfClose);

        assertFault(response, "error", "EVS.5400", "Malformed request body.");
        assertOneAccessLineAndNoTrace(response, 400);
    }

    /** Jetty refuses these itself, before Cairn's handler: the raw byte, and its percent-encoded form. */
    @ParameterizedTest
    @ValueSource(strings = {"/v3/" + PROJECT + "/vol\0umes", "/v3/" + PROJECT + "/vol%00umes"})
    void aNulInThePathIsAFault(String path) throws Exception {
        for (String method : List.of("GET", "PUT", "DELETE")) {
            byte[] request = (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: u:" + PROJECT
                            + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);

            RawHttp.Response response = RawHttp.exchange(port(cinder), request, false);
            assertFault(response, "badRequest", 400, GENERIC_400);
            assertOneAccessLineAndNoTrace(response, 400);

            RawHttp.Response evsResponse = RawHttp.exchange(port(evs), request, false);
            assertFault(evsResponse, "error", "EVS.5400", GENERIC_400);
            assertOneAccessLineAndNoTrace(evsResponse, 400);
        }
    }

    private static void assertFault(RawHttp.Response response, String name, Object code, String message) {
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.propertyNames()).containsExactly(name);
        JsonNode fault = body.get(name);
        assertThat(
                        code instanceof Integer
                                ? (Object) fault.get("code").intValue()
                                : fault.get("code").asString())
                .isEqualTo(code);
        assertThat(fault.get("message").asString()).isEqualTo(message);
    }

    private void assertOneAccessLineAndNoTrace(RawHttp.Response response, int status) {
        String requestId = response.header("X-Openstack-Request-Id");
        assertThat(requestId).matches("req-[0-9a-f-]{36}");
        List<String> lines = log.list.stream()
                .filter(event -> event.getLoggerName().equals("cairn.access"))
                .map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.contains(requestId))
                .toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains(" status=" + status + " ");
        assertThat(log.list).as("log events with a stack trace").noneMatch(event -> event.getThrowableProxy() != null);
        assertThat(log.list)
                .as("warnings and errors")
                .noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
    }

    private static int port(TestServer server) {
        String base = server.baseUrl();
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }
}
