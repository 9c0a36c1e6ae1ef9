package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import io.cairn.domain.SnapshotBlocks;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;

/**
 * Whatever a client sends, the answer is never a 5xx, and every 4xx that is a Cinder fault is well formed.
 * Requests are generated from the real routes, field names, headers and query parameters, mixed with junk; block
 * puts of the snapshot ingest carry a body and X-Cairn headers each right, wrong or missing.
 */
class BadInputPropertyTest {
    private static final String PROJECT = "9a8b7c6d5e4f40718293a4b5c6d7e8f9";
    private static Path dataDir;
    private static TestServer server;
    private static String volumeId;
    private static String snapshotId;
    private static String ingestId;

    @BeforeContainer
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("cairn-bad-input");
        server = TestServer.start(dataDir);
        Client admin = server.as("fuzz", PROJECT);
        volumeId = admin.post("/volumes", "{\"volume\":{\"size\":1}}")
                .json()
                .at("/volume/id")
                .asString();
        admin.await("/volumes/" + volumeId, "/volume/status", "available");
        snapshotId = admin.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volumeId + "\"}}")
                .json()
                .at("/snapshot/id")
                .asString();
        admin.await("/snapshots/" + snapshotId, "/snapshot/status", "available");
        ingestId = new IngestClient(server.baseUrl(), PROJECT, admin.token())
                .startOpen("\"volume_size\":1")
                .get("id")
                .asString();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    private static String previous;

    @Property(tries = 1500, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void noRequestGetsAServerError(@ForAll("requests") Request request) {
        Client client = server.as(request.user(), PROJECT, request.roles().toArray(String[]::new));
        if (request.version() != null) {
            client = client.version(request.version());
        }
        String before = previous;
        previous = request.method() + " " + request.path() + " " + request.contentType() + " "
                + (request.body() == null
                        ? ""
                        : request.body()
                                .substring(0, Math.min(300, request.body().length())));
        Reply reply;
        try {
            reply = request.headers().isEmpty()
                    ? client.send(request.method(), request.path(), request.body(), request.contentType())
                    : sendWithHeaders(client, request);
        } catch (IllegalStateException e) {
            throw new AssertionError(
                    "previous: " + before + "\nno answer to " + request.method() + " " + request.path() + " "
                            + (request.body() == null
                                    ? ""
                                    : request.body()
                                            .substring(
                                                    0,
                                                    Math.min(200, request.body().length()))),
                    e);
        }
        assertThat(reply.status())
                .as("%s %s %s -> %s", request.method(), request.path(), request.body(), reply.text())
                .isLessThan(500);
        String type = reply.header("Content-Type");
        if (reply.status() >= 400 && type != null && type.startsWith("application/json")) {
            JsonNode fault = reply.json().properties().iterator().next().getValue();
            assertThat(fault.get("code").asInt()).isEqualTo(reply.status());
            assertThat(fault.get("message").isString()).isTrue();
        }
    }

    record Request(
            String method,
            String path,
            String body,
            String contentType,
            String version,
            String user,
            List<String> roles,
            Map<String, String> headers) {}

    /**
     * A request with headers of its own (a block put's), sent as {@link Client#send} sends the others: that one
     * takes no headers beyond the token, version and content type.
     */
    private static Reply sendWithHeaders(Client client, Request request) {
        HttpRequest.Builder http = HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/v3/" + PROJECT + request.path()))
                .timeout(Duration.ofSeconds(30))
                .expectContinue(request.body() != null && request.body().length() > TestServer.LARGE_BODY)
                .header("X-Auth-Token", client.token())
                .method(
                        request.method(),
                        request.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(request.body()));
        if (request.version() != null) {
            http.header("OpenStack-API-Version", "volume " + request.version());
        }
        if (request.contentType() != null) {
            http.header("Content-Type", request.contentType());
        }
        request.headers().forEach(http::header);
        return TestServer.send(http.build());
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String[]> route = Arbitraries.of(
                new String[] {"GET", "/snapshots"},
                new String[] {"GET", "/snapshots/detail"},
                new String[] {"POST", "/snapshots"},
                new String[] {"GET", "/snapshots/{s}"},
                new String[] {"PUT", "/snapshots/{s}"},
                new String[] {"DELETE", "/snapshots/{x}"},
                new String[] {"POST", "/snapshots/{s}/action"},
                new String[] {"GET", "/snapshots/{s}/metadata"},
                new String[] {"POST", "/snapshots/{s}/metadata"},
                new String[] {"PUT", "/snapshots/{s}/metadata"},
                new String[] {"GET", "/snapshots/{s}/metadata/{k}"},
                new String[] {"PUT", "/snapshots/{s}/metadata/{k}"},
                new String[] {"DELETE", "/snapshots/{s}/metadata/{k}"},
                new String[] {"GET", "/snapshots/{s}/blocks"},
                new String[] {"GET", "/snapshots/{s}/changed-blocks"},
                new String[] {"GET", "/snapshots/{s}/blocks/{k}"},
                new String[] {"GET", "/snapshots/{s}/blocks/0"},
                new String[] {"POST", "/snapshot-ingests"},
                new String[] {"GET", "/snapshot-ingests"},
                new String[] {"GET", "/snapshot-ingests/{i}"},
                new String[] {"POST", "/snapshot-ingests/{i}"},
                new String[] {"DELETE", "/snapshot-ingests/{x}"},
                new String[] {"PUT", "/snapshot-ingests/{i}/blocks/{k}"},
                new String[] {"GET", "/snapshot-ingests/{i}/blocks/0"},
                new String[] {"POST", "/snapshot-ingests/{i}/complete"},
                new String[] {"PUT", "/snapshot-ingests/{i}/complete"},
                new String[] {"GET", "/volumes"},
                new String[] {"GET", "/volumes/detail"},
                new String[] {"POST", "/volumes"},
                new String[] {"GET", "/volumes/{v}"},
                new String[] {"PUT", "/volumes/{v}"},
                new String[] {"POST", "/volumes/{v}/action"},
                new String[] {"GET", "/volumes/summary"},
                new String[] {"POST", "/volumes/{v}/metadata"},
                new String[] {"GET", "/backups"},
                new String[] {"GET", "/backups/detail"},
                new String[] {"POST", "/backups"},
                new String[] {"GET", "/backups/{x}"},
                new String[] {"PUT", "/backups/{x}"},
                new String[] {"DELETE", "/backups/{x}"},
                new String[] {"POST", "/backups/{x}/action"},
                new String[] {"POST", "/backups/{x}/restore"},
                new String[] {"GET", "/backups/{x}/export_record"},
                new String[] {"POST", "/backups/import_record"},
                new String[] {"PATCH", "/snapshots/{s}"},
                new String[] {"GET", "/{junk}"});
        Arbitrary<String> ids = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just("ID")), net.jqwik.api.Tuple.of(1, junk()));
        Arbitrary<String> query = Combinators.combine(
                        Arbitraries.of(
                                        "limit",
                                        "offset",
                                        "marker",
                                        "sort",
                                        "sort_key",
                                        "sort_dir",
                                        "with_count",
                                        "all_tenants",
                                        "name",
                                        "status",
                                        "volume_id",
                                        "metadata",
                                        "name~",
                                        "availability_zone",
                                        "consumes_quota",
                                        "project_id",
                                        "cascade",
                                        "force",
                                        "next_token",
                                        "from_snapshot_id",
                                        "token",
                                        "bogus",
                                        "ü")
                                .list()
                                .ofMaxSize(4),
                        junk().list().ofSize(4))
                .as((keys, values) -> {
                    StringBuilder q = new StringBuilder();
                    for (int i = 0; i < keys.size(); i++) {
                        q.append(i == 0 ? "" : "&")
                                .append(java.net.URLEncoder.encode(
                                        keys.get(i), java.nio.charset.StandardCharsets.UTF_8))
                                .append('=')
                                .append(java.net.URLEncoder.encode(
                                        values.get(i), java.nio.charset.StandardCharsets.UTF_8));
                    }
                    return q.toString();
                });
        Arbitrary<String> version = Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.of(
                        "3.0", "3.14", "3.31", "3.34", "3.40", "3.45", "3.53", "3.66", "3.71", "latest", "3.72", "4.0",
                        "3.05", "bogus", ""));
        Arbitrary<String> contentType = Arbitraries.of(
                "application/json",
                "application/json; charset=UTF-8",
                "application/vnd.openstack.volume+json",
                "text/plain",
                "application/x-www-form-urlencoded",
                "");
        Arbitrary<List<String>> roles =
                Arbitraries.of(List.of(), List.of("member", "reader"), List.of("reader"), List.of("nobody"));
        Arbitrary<Request> generic = Combinators.combine(route, ids, query, bodies(), contentType, version, roles)
                .as((r, id, q, body, type, v, rs) -> {
                    String path = r[1].replace("{s}", id.equals("ID") ? snapshotId : id)
                            .replace("{v}", id.equals("ID") ? volumeId : id)
                            .replace("{i}", id.equals("ID") ? ingestId : id)
                            .replace("{x}", id)
                            .replace("{k}", id.isEmpty() ? "k" : id)
                            .replace("{junk}", id);
                    // Jetty answers a NUL in the path itself (400) and drops the connection; that is not ours to test.
                    String encodedPath = encodePath(path.replace("\u0000", ""));
                    String withQuery = q.isEmpty() ? encodedPath : encodedPath + "?" + q;
                    return new Request(
                            r[0],
                            withQuery,
                            r[0].equals("GET") || r[0].equals("DELETE") ? null : body,
                            type.isEmpty() ? null : type,
                            v,
                            "fuzzer",
                            rs,
                            Map.of());
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, generic), net.jqwik.api.Tuple.of(1, blockPuts(ids, roles)));
    }

    /**
     * Block puts into the fixture ingest (or a bad id) whose body and each X-Cairn header is right, wrong or
     * missing: a whole block with its own checksum is taken, anything else is refused.
     */
    private Arbitrary<Request> blockPuts(Arbitrary<String> ids, Arbitrary<List<String>> roles) {
        String block = "b".repeat(SnapshotBlocks.BLOCK_SIZE);
        Arbitrary<String> body = Arbitraries.oneOf(
                Arbitraries.just(block),
                Arbitraries.of(block.substring(1), block + "b", "", "{\"block\":0}", block.replace('b', 'é')));
        Arbitrary<String> index = Arbitraries.oneOf(
                Arbitraries.of("0", "1", "2047", "2048", "-1", "00", "+1", "1e3", "99999999999999999999999"), junk());
        Arbitrary<String> checksum = Arbitraries.oneOf(
                Arbitraries.just("OWN"), // the body's own checksum
                junk(),
                Arbitraries.of(
                        base64(new byte[32]),
                        base64(new byte[31]),
                        base64(new byte[33]),
                        "!!!!",
                        "A===",
                        Base64.getUrlEncoder()
                                .encodeToString(new byte[] {-5, -1, -2})
                                .repeat(11)));
        Arbitrary<String> algorithm =
                Arbitraries.oneOf(Arbitraries.of("SHA256", "SHA256", "sha256", "SHA-256", "LINEAR"), junk());
        Arbitrary<String> length = Arbitraries.oneOf(Arbitraries.just("OWN"), junk());
        return Combinators.combine(
                        ids,
                        index,
                        body,
                        header(checksum),
                        header(algorithm),
                        header(length),
                        roles,
                        Arbitraries.of("PUT", "PUT", "POST"))
                .as((id, i, data, sum, algo, len, rs, method) -> {
                    Map<String, String> headers = new java.util.LinkedHashMap<>();
                    sum.ifPresent(v -> headers.put(
                            "X-Cairn-Checksum",
                            v.equals("OWN") ? IngestClient.checksum(data.getBytes(StandardCharsets.UTF_8)) : v));
                    algo.ifPresent(v -> headers.put("X-Cairn-Checksum-Algorithm", v));
                    len.ifPresent(v -> headers.put(
                            "X-Cairn-Data-Length",
                            v.equals("OWN") ? Integer.toString(data.getBytes(StandardCharsets.UTF_8).length) : v));
                    headers.replaceAll((name, value) -> headerSafe(value));
                    String path = encodePath("/snapshot-ingests/" + (id.equals("ID") ? ingestId : id) + "/blocks/"
                            + i.replace("\u0000", ""));
                    return new Request(method, path, data, "application/octet-stream", null, "fuzzer", rs, headers);
                });
    }

    /** A header's value, or none (a missing header) one time in five. */
    private static Arbitrary<Optional<String>> header(Arbitrary<String> value) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, value.map(Optional::of)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Optional.empty())));
    }

    /** The JDK's client sends no control characters or non-Latin-1 in a header: those are the hostile suite's. */
    private static String headerSafe(String value) {
        return value.codePoints()
                .filter(c -> c >= 0x20 && c < 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Percent-encodes each segment, keeping the slashes between them. */
    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(java.net.URLEncoder.encode(segments[i], java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        }
        return out.toString();
    }

    private static Arbitrary<String> junk() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(300).ofMaxLength(600),
                Arbitraries.of(
                        "",
                        "-1",
                        "0",
                        "1",
                        "1000",
                        "99999999999999999999999",
                        "2147483648",
                        "1.5",
                        "abc",
                        "null",
                        "true",
                        "True",
                        "asc",
                        "desc",
                        "name:asc",
                        "display_name",
                        "created_at:sideways",
                        ",,,",
                        "{'k': 'v'}",
                        "{\"k\": 1}",
                        "{",
                        "'; DROP TABLE snapshots; --",
                        "\" OR 1=1 --",
                        "%00",
                        "\u0000",
                        "ünïcødé",
                        "日本語",
                        "\uD83D\uDE00",
                        "00000000-0000-4000-8000-000000000000",
                        "../../etc/passwd"));
    }

    private static Arbitrary<String> bodies() {
        Arbitrary<String> key = Arbitraries.of(
                "snapshot",
                "volume",
                "metadata",
                "meta",
                "name",
                "display_name",
                "description",
                "display_description",
                "volume_id",
                "force",
                "size",
                "snapshot_id",
                "source_volid",
                "availability_zone",
                "os-reset_status",
                "os-update_snapshot_status",
                "os-force_delete",
                "os-extend",
                "new_size",
                "revert",
                "status",
                "progress",
                "os-attach",
                "mountpoint",
                "instance_uuid",
                "os-detach",
                "os-set_bootable",
                "bootable",
                "readonly",
                "os-update_readonly_flag",
                "ingest",
                "volume_size",
                "parent_snapshot_id",
                "client_token",
                "timeout",
                "complete",
                "changed_blocks_count",
                "checksum",
                "checksum_algorithm",
                "checksum_aggregation_method",
                "k",
                "",
                "ü");
        Arbitrary<String> scalar = Arbitraries.oneOf(
                junk().map(BadInputPropertyTest::quote),
                Arbitraries.of(
                        "null",
                        "true",
                        "false",
                        "0",
                        "-1",
                        "1",
                        "1e400",
                        "12345678901234567890123",
                        "9223372036854775808",
                        "1.5",
                        "[]",
                        "{}",
                        "\"SHA256\"",
                        "\"LINEAR\"",
                        "\"" + base64(new byte[32]) + "\""),
                Arbitraries.just("\"" + "x".repeat(70000) + "\""));
        Arbitrary<String> object = Combinators.combine(
                        key.list().ofMaxSize(3), scalar.list().ofSize(3))
                .as((keys, values) -> {
                    StringBuilder o = new StringBuilder("{");
                    for (int i = 0; i < keys.size(); i++) {
                        o.append(i == 0 ? "" : ",")
                                .append(quote(keys.get(i)))
                                .append(':')
                                .append(values.get(i));
                    }
                    return o.append('}').toString();
                });
        Arbitrary<String> nested = Combinators.combine(key, key, object)
                .as((outer, inner, o) -> "{" + quote(outer) + ":{" + quote(inner) + ":" + o + "}}");
        Arbitrary<String> wrapped =
                Combinators.combine(key, object).as((outer, o) -> "{" + quote(outer) + ":" + o + "}");
        Arbitrary<String> broken = Arbitraries.of(
                "",
                "{",
                "}",
                "[",
                "nul",
                "{\"a\":}",
                "{\"a\" 1}",
                "\u0000",
                "{\"a\":1}{",
                "[".repeat(2000) + "]".repeat(2000),
                "{\"snapshot\":{\"name\":\"a\",\"name\":\"b\",\"volume_id\":null}}",
                "{\"volume\":{\"size\":1,\"size\":\"x\"}}",
                "{\"complete\":{\"changed_blocks_count\":12345678901234567890123,\"checksum\":\"" + base64(new byte[32])
                        + "\",\"checksum_algorithm\":\"SHA256\",\"checksum_aggregation_method\":\"LINEAR\"}}",
                "{\"ingest\":{\"volume_size\":1,\"timeout\":1e400}}",
                "\uFEFF{}");
        return Arbitraries.oneOf(object, nested, wrapped, broken, scalar);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
