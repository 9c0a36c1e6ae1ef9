package io.cairn.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.hardening.RawHttp.Header;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile requests against every endpoint (Cinder v3, the v2 paths, EVS cloudsnapshots, quotas, limits,
 * types, availability zones, changed blocks, snapshot ingest with its binary block puts): generated paths,
 * query strings, headers and bodies with wrong types, huge and deeply nested values, bytes that are not UTF-8,
 * duplicated keys and injection strings. Whatever arrives, the answer is below 500, a JSON answer that is an
 * error is a well-formed fault, and a request that is rejected (or only reads) leaves every row of the database
 * as it was. Each case goes to a server speaking Cinder's faults or one speaking EVS's.
 */
@AddLifecycleHook(LongRun.SkipInPostgresqlExecution.class)
class HostileRequestPropertyTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROJECT = "5f1e2d3c4b5a40698778a9b0c1d2e3f4";
    private static final String OTHER_PROJECT = "7a6b5c4d3e2f40119988776655443322";
    private static final String PATH_PROJECT = "{project}";

    /** One server under attack, with what the generated requests refer to and the digest of its rows. */
    private static final class Target {
        final TestServer server;
        final DatabaseDigest database;
        final String otherVolumeId;
        String volumeId;
        String snapshotId;
        /** An open ingest holding {@link IngestRequests#FIXTURE_BLOCKS}. */
        String ingestId;

        /** The fixture ingest's staging volume, in maintenance. */
        String stagingVolumeId;

        String stateDigest;

        Target(Map<String, String> settings) throws Exception {
            Path dataDir = Files.createTempDirectory("cairn-hostile");
            Map<String, String> all =
                    new HashMap<>(Map.of("quota-snapshots", "-1", "quota-volumes", "-1", "quota-gigabytes", "-1"));
            all.put("ingest-sweep-interval", "86400"); // swept by restoreFixtures only, never between a case's reads
            all.putAll(settings);
            server = TestServer.start(dataDir, all);
            Client other = server.as("other", OTHER_PROJECT);
            otherVolumeId = other.post("/volumes", "{\"volume\":{\"size\":1}}")
                    .json()
                    .at("/volume/id")
                    .asString();
            other.await("/volumes/" + otherVolumeId, "/volume/status", "available");
            database = new DatabaseDigest(dataDir);
            restoreFixtures(false);
        }

        /**
         * (Re)creates this project's volume, snapshot and open ingest when an accepted request removed, completed or
         * broke them, puts the ingest's blocks back after an accepted {@code blockPut} (which may have replaced one),
         * then takes the baseline.
         */
        void restoreFixtures(boolean blockPut) throws Exception {
            Client admin = server.as("fixture", PROJECT);
            database.awaitIdle();
            server.sweepIngests(); // gives back the staging volume of an ingest a request completed
            if (volumeId == null || admin.get("/volumes/" + volumeId).status() == 404) {
                volumeId = admin.post("/volumes", "{\"volume\":{\"size\":1}}")
                        .json()
                        .at("/volume/id")
                        .asString();
                admin.await("/volumes/" + volumeId, "/volume/status", "available");
            }
            if (snapshotId == null || admin.get("/snapshots/" + snapshotId).status() == 404) {
                TestServer.Reply created =
                        admin.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volumeId + "\",\"force\":true}}");
                if (created.status() == 202) {
                    snapshotId = created.json().at("/snapshot/id").asString();
                }
            }
            JsonNode ingest = ingestId == null
                    ? null
                    : admin.get("/snapshot-ingests/" + ingestId).json().get("ingest");
            if (ingest == null
                    || !ingest.get("status").asString().equals("open")
                    || ingest.get("blocks_received").asInt() != IngestRequests.FIXTURE_BLOCKS.size()) {
                ingestId = IngestFixtures.startOpen(admin);
                stagingVolumeId = admin.get("/snapshot-ingests/" + ingestId)
                        .json()
                        .at("/ingest/volume_id")
                        .asString();
                IngestFixtures.putAll(server, admin, ingestId, IngestRequests.FIXTURE_BLOCKS);
            } else if (blockPut) {
                IngestFixtures.putAll(server, admin, ingestId, IngestRequests.FIXTURE_BLOCKS);
            }
            database.awaitIdle();
            stateDigest = database.digest();
        }

        void close() throws Exception {
            database.close();
            server.close();
        }
    }

    /** Cinder's fault dialect, and EVS's (with AK/SK signatures enabled beside the tokens). */
    private static final Map<String, Target> targets = new LinkedHashMap<>();

    @BeforeContainer
    static void start() throws Exception {
        targets.put("cinder", new Target(Map.of()));
        targets.put(
                "evs",
                new Target(Map.of(
                        "faults",
                        "evs",
                        "auth",
                        "noauth,aksk",
                        "secret-key",
                        Base64.getEncoder().encodeToString(new byte[32]))));
    }

    @AfterContainer
    static void stop() throws Exception {
        for (Target target : targets.values()) {
            target.close();
        }
    }

    @Property(tries = 2000, shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(LongRun.TriesHook.class)
    @LongRun.Tries(100_000)
    void hostileRequestsGetAFaultAndChangeNothing(
            @ForAll("dialects") String dialect, @ForAll("requests") HostileRequest request) throws Exception {
        Target attacked = targets.get(dialect);
        byte[] target = request.target(PROJECT, attacked);
        RawHttp.Response response = RawHttp.send(
                IngestFixtures.port(attacked.server), request.method(), target, request.headers(), request.body());
        String described = "(" + dialect + ") " + request.describe(target) + " -> " + response.status() + " "
                + abbreviate(response.text());

        assertThat(response.status()).as(described).isLessThan(500);
        String type = response.header("Content-Type");
        boolean hasBody = !request.method().equals("HEAD"); // a HEAD answer has the headers of a GET and no body
        if (response.status() >= 400 && hasBody && type != null && type.startsWith("application/json")) {
            assertWellFormedFault(response, described);
        }
        boolean accepted = response.status() < 400;
        if (!accepted || request.method().equals("GET") || request.method().equals("HEAD")) {
            assertThat(attacked.database.digest())
                    .as("the database after %s", described)
                    .isEqualTo(attacked.stateDigest);
        } else {
            attacked.restoreFixtures(request.pathTemplate().endsWith("/blocks/{key}"));
        }
    }

    @Provide
    Arbitrary<String> dialects() {
        return Arbitraries.of(targets.keySet());
    }

    private static void assertWellFormedFault(RawHttp.Response response, String described) {
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.isObject() && body.size() == 1)
                .as("one fault object: %s", described)
                .isTrue();
        String name = body.propertyNames().iterator().next();
        JsonNode fault = body.get(name);
        assertThat(fault.get("message")).as(described).isNotNull();
        assertThat(fault.get("message").isString()).as(described).isTrue();
        if (name.equals("error")) { // EVS's form: a string code such as EVS.5404
            assertThat(fault.get("code").isString()).as(described).isTrue();
        } else {
            assertThat(fault.get("code").asInt()).as(described).isEqualTo(response.status());
        }
        assertThat(response.text()).as("no stack trace: %s", described).doesNotContain("\tat ", "Exception:");
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** One generated request: the template and its holes are filled against the live fixtures when it is sent. */
    record HostileRequest(
            String method,
            String pathTemplate,
            String idHole,
            String keyHole,
            String query,
            List<Header> headers,
            byte[] body) {
        private byte[] target(String project, Target fixtures) {
            String id = switch (idHole) {
                case "@volume" -> fixtures.volumeId;
                case "@snapshot" -> fixtures.snapshotId;
                case "@other" -> fixtures.otherVolumeId;
                case "@ingest" -> fixtures.ingestId;
                case "@staging" -> fixtures.stagingVolumeId;
                default -> idHole;
            };
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String path = pathTemplate.replace(PATH_PROJECT, project);
            int hole = path.indexOf("{id}");
            if (hole >= 0) {
                out.writeBytes(path.substring(0, hole).getBytes(StandardCharsets.UTF_8));
                out.writeBytes(id == null ? new byte[0] : id.getBytes(StandardCharsets.ISO_8859_1));
                path = path.substring(hole + "{id}".length());
            }
            path = path.replace("{key}", keyHole);
            out.writeBytes(path.getBytes(StandardCharsets.ISO_8859_1));
            if (!query.isEmpty()) {
                out.write('?');
                out.writeBytes(query.getBytes(StandardCharsets.ISO_8859_1));
            }
            return out.toByteArray();
        }

        String describe(byte[] target) {
            StringBuilder text = new StringBuilder(method)
                    .append(' ')
                    .append(abbreviate(new String(target, StandardCharsets.ISO_8859_1)));
            headers.forEach(h -> text.append(" [")
                    .append(h.name())
                    .append(": ")
                    .append(abbreviate(new String(h.value(), StandardCharsets.ISO_8859_1)))
                    .append(']'));
            if (body != null) {
                text.append(" body(")
                        .append(body.length)
                        .append("): ")
                        .append(abbreviate(new String(body, StandardCharsets.ISO_8859_1)));
            }
            return text.toString();
        }
    }

    @Provide
    Arbitrary<HostileRequest> requests() {
        Arbitrary<String[]> endpoint = Arbitraries.of(
                ep("GET", "/v3/{project}/snapshots"),
                ep("GET", "/v3/{project}/snapshots/detail"),
                ep("POST", "/v3/{project}/snapshots"),
                ep("GET", "/v3/{project}/snapshots/{id}"),
                ep("PUT", "/v3/{project}/snapshots/{id}"),
                ep("DELETE", "/v3/{project}/snapshots/{id}"),
                ep("POST", "/v3/{project}/snapshots/{id}/action"),
                ep("GET", "/v3/{project}/snapshots/{id}/metadata"),
                ep("POST", "/v3/{project}/snapshots/{id}/metadata"),
                ep("PUT", "/v3/{project}/snapshots/{id}/metadata"),
                ep("GET", "/v3/{project}/snapshots/{id}/metadata/{key}"),
                ep("PUT", "/v3/{project}/snapshots/{id}/metadata/{key}"),
                ep("DELETE", "/v3/{project}/snapshots/{id}/metadata/{key}"),
                ep("GET", "/v3/{project}/snapshots/{id}/blocks"),
                ep("GET", "/v3/{project}/snapshots/{id}/changed-blocks"),
                ep("GET", "/v3/{project}/snapshots/{id}/blocks/{key}"),
                ep("POST", "/v3/{project}/snapshot-ingests"),
                ep("GET", "/v3/{project}/snapshot-ingests"),
                ep("GET", "/v3/{project}/snapshot-ingests/{id}"),
                ep("DELETE", "/v3/{project}/snapshot-ingests/{id}"),
                ep("PUT", "/v3/{project}/snapshot-ingests/{id}/blocks/{key}"),
                ep("POST", "/v3/{project}/snapshot-ingests/{id}/complete"),
                ep("GET", "/v3/{project}/volumes"),
                ep("GET", "/v3/{project}/volumes/detail"),
                ep("GET", "/v3/{project}/volumes/summary"),
                ep("POST", "/v3/{project}/volumes"),
                ep("GET", "/v3/{project}/volumes/{id}"),
                ep("PUT", "/v3/{project}/volumes/{id}"),
                ep("DELETE", "/v3/{project}/volumes/{id}"),
                ep("POST", "/v3/{project}/volumes/{id}/action"),
                ep("GET", "/v3/{project}/volumes/{id}/metadata"),
                ep("POST", "/v3/{project}/volumes/{id}/metadata"),
                ep("PUT", "/v3/{project}/volumes/{id}/metadata"),
                ep("GET", "/v3/{project}/volumes/{id}/metadata/{key}"),
                ep("PUT", "/v3/{project}/volumes/{id}/metadata/{key}"),
                ep("DELETE", "/v3/{project}/volumes/{id}/metadata/{key}"),
                ep("POST", "/v3/{project}/os-vendor-snapshots/{id}/rollback"),
                ep("GET", "/v3/{project}/backups"),
                ep("GET", "/v3/{project}/backups/detail"),
                ep("POST", "/v3/{project}/backups"),
                ep("GET", "/v3/{project}/backups/{id}"),
                ep("PUT", "/v3/{project}/backups/{id}"),
                ep("DELETE", "/v3/{project}/backups/{id}"),
                ep("POST", "/v3/{project}/backups/{id}/action"),
                ep("POST", "/v3/{project}/backups/{id}/restore"),
                ep("GET", "/v3/{project}/backups/{id}/export_record"),
                ep("POST", "/v3/{project}/backups/import_record"),
                ep("GET", "/v3/{project}/os-quota-sets/{id}"),
                ep("GET", "/v3/{project}/os-quota-sets/{id}/defaults"),
                ep("PUT", "/v3/{project}/os-quota-sets/{id}"),
                ep("DELETE", "/v3/{project}/os-quota-sets/{id}"),
                ep("GET", "/v3/{project}/limits"),
                ep("GET", "/v3/{project}/types"),
                ep("GET", "/v3/{project}/types/default"),
                ep("GET", "/v3/{project}/types/{id}"),
                ep("GET", "/v3/{project}/os-availability-zone"),
                ep("GET", "/v2/{project}/snapshots"),
                ep("GET", "/v2/{project}/snapshots/detail"),
                ep("DELETE", "/v2/{project}/volumes/{id}"),
                ep("POST", "/v2/{project}/cloudsnapshots"),
                ep("GET", "/v2/{project}/cloudsnapshots/detail"),
                ep("GET", "/v2/{project}/cloudsnapshots/{id}"),
                ep("PUT", "/v2/{project}/cloudsnapshots/{id}"),
                ep("DELETE", "/v2/{project}/cloudsnapshots/{id}"),
                ep("POST", "/v2/{project}/cloudsnapshots/{id}/rollback"),
                ep("GET", "/v3/snapshots"),
                ep("GET", "/v3/" + OTHER_PROJECT + "/volumes"),
                ep("GET", "/"),
                ep("GET", "/v3"),
                ep("GET", "/v3/"),
                ep("GET", "/healthz"),
                ep("GET", "/metrics"),
                ep("POST", "/metrics"),
                ep("GET", "/console/{id}"),
                ep("GET", "/console/vendor/{id}"),
                ep("GET", "/console/settings.json"),
                ep("POST", "/console/keystone/auth/tokens"));
        Arbitrary<String> method = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")));
        Arbitrary<String> idHole = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("@volume", "@snapshot", "@ingest", "@staging", PROJECT)),
                Tuple.of(2, Arbitraries.just("@other")),
                Tuple.of(3, pathJunk()));
        Arbitrary<String> keyHole =
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of("k", "key")), Tuple.of(1, pathJunk()));
        Arbitrary<HostileRequest> generic = Combinators.combine(
                        endpoint, method, idHole, keyHole, queries(), headers(), bodies())
                .as((ep, forced, id, key, query, headers, body) -> {
                    String verb = forced.isEmpty() ? ep[0] : forced;
                    boolean sendsBody = !verb.equals("GET") && !verb.equals("HEAD");
                    return new HostileRequest(verb, ep[1], id, key, query, headers, sendsBody ? body : null);
                });
        return Arbitraries.frequencyOf(
                Tuple.of(17, generic),
                Tuple.of(1, IngestRequests.blockPuts(tokens(), pathJunk())),
                Tuple.of(1, IngestRequests.completions(tokens(), pathJunk())),
                Tuple.of(1, IngestRequests.starts(tokens())));
    }

    private static String[] ep(String method, String path) {
        return new String[] {method, path};
    }

    /** A path segment: percent-encoded junk, raw bytes that are not UTF-8, traversal and encoded slashes. */
    private static Arbitrary<String> pathJunk() {
        return Arbitraries.oneOf(
                values().map(v -> URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")),
                Arbitraries.of(
                        "%FF%FE",
                        "%C3%28",
                        "%ED%A0%80",
                        "%00",
                        "%2F",
                        "..",
                        "%2e%2e",
                        "a%2Fb",
                        "%",
                        "%zz",
                        "%E2%82",
                        "00000000-0000-4000-8000-000000000000",
                        "x".repeat(5000),
                        new String(new byte[] {(byte) 0xC3, (byte) 0x28}, StandardCharsets.ISO_8859_1)));
    }

    /** Query strings: known parameters with junk values, unknown and duplicated keys, raw and encoded bad bytes. */
    private static Arbitrary<String> queries() {
        Arbitrary<String> key = Arbitraries.of(
                "limit",
                "offset",
                "marker",
                "sort",
                "sort_key",
                "sort_dir",
                "with_count",
                "all_tenants",
                "name",
                "display_name",
                "status",
                "volume_id",
                "metadata",
                "name~",
                "availability_zone",
                "consumes_quota",
                "project_id",
                "usage",
                "cascade",
                "force",
                "fields",
                "next_token",
                "from_snapshot_id",
                "token",
                "bogus",
                "ü",
                "limit[]",
                "metadata[k]");
        Arbitrary<String> pair = Combinators.combine(
                        key, values(), Arbitraries.integers().between(0, 9))
                .as((k, v, style) -> switch (style) {
                    case 0 -> k; // a key without "="
                    case 1 -> k + "=" + rawQueryValue(v); // unencoded, as far as the request line allows
                    case 2 -> k + "=%FF%FE%C3%28"; // percent-encoded bytes that are not UTF-8
                    default ->
                        URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(v, StandardCharsets.UTF_8);
                });
        Arbitrary<String> many = pair.list().ofMaxSize(6).map(pairs -> String.join("&", pairs));
        Arbitrary<String> duplicated = Combinators.combine(key, values(), values())
                .as((k, a, b) -> k + "=" + URLEncoder.encode(a, StandardCharsets.UTF_8) + "&" + k + "="
                        + URLEncoder.encode(b, StandardCharsets.UTF_8));
        Arbitrary<String> huge = Arbitraries.of(
                "name=" + "a".repeat(7000),
                "limit=1&".repeat(700) + "x",
                "metadata="
                        + URLEncoder.encode(
                                "{" + "\"k\":".repeat(1000) + "1" + "}".repeat(1000), StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just("")), Tuple.of(8, many), Tuple.of(2, duplicated), Tuple.of(1, huge));
    }

    /**
     * A value sent without percent-encoding, except what would end the request line (whitespace, controls) or
     * the parameter: a request line with a raw CR LF is no request at all, and Jetty rejects it before Cairn.
     */
    private static String rawQueryValue(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c == 0x7f || c == '&' || c == '#') {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    /** Tokens of an admin, a member and a reader of the project, of another project's member, and junk. */
    private static Arbitrary<Header> tokens() {
        return Arbitraries.frequencyOf(
                        Tuple.of(
                                6,
                                Arbitraries.of(
                                        "fuzzer:" + PROJECT,
                                        "fuzzer:" + PROJECT + ":member",
                                        "fuzzer:" + PROJECT + ":reader",
                                        "fuzzer:" + OTHER_PROJECT + ":member",
                                        "fuzzer:" + PROJECT + ":admin,member")),
                        Tuple.of(1, values()))
                .map(t -> Header.of("X-Auth-Token", t));
    }

    private static Arbitrary<List<Header>> headers() {
        Arbitrary<Header> token = tokens();
        Arbitrary<Header> version = Arbitraries.of(
                        "volume 3.0",
                        "volume 3.27",
                        "volume 3.40",
                        "volume 3.59",
                        "volume 3.66",
                        "volume 3.71",
                        "volume latest",
                        "volume 3.72",
                        "volume 4.0",
                        "volume 3.",
                        "volume",
                        "compute 2.1",
                        "volume 3.0, volume 3.1",
                        "volume 99999999999999999999.1",
                        "",
                        "volume -3.1")
                .map(v -> Header.of("OpenStack-API-Version", v));
        Arbitrary<Header> legacyVersion =
                Arbitraries.of("3.0", "3.60", "latest", "x").map(v -> Header.of("X-OpenStack-Volume-API-Version", v));
        Arbitrary<Header> contentType = Arbitraries.of(
                        "application/json",
                        "application/json; charset=UTF-8",
                        "text/plain",
                        "application/json; charset=latin1",
                        "multipart/form-data; boundary=x",
                        "application/x-www-form-urlencoded",
                        "application/vnd.openstack.volume+json",
                        ";;;")
                .map(v -> Header.of("Content-Type", v));
        Arbitrary<Header> junk = Combinators.combine(
                        Arbitraries.of(
                                "X-Forwarded-Host",
                                "X-Forwarded-Proto",
                                "Accept",
                                "X-Auth-Project-Id",
                                "X-Sdk-Date",
                                "Authorization",
                                "X-Project-Id",
                                "Accept-Language",
                                "X-Openstack-Request-Id"),
                        Arbitraries.oneOf(
                                values().map(v -> v.getBytes(StandardCharsets.UTF_8)),
                                Arbitraries.bytes()
                                        .between((byte) 0x20, (byte) 0x7e)
                                        .array(byte[].class)
                                        .ofMaxSize(40),
                                Arbitraries.just(new byte[] {(byte) 0xFF, (byte) 0xFE, 'a', (byte) 0xC3, (byte) 0x28}),
                                Arbitraries.just("z".repeat(6000).getBytes(StandardCharsets.US_ASCII))))
                .as(Header::new);
        return Combinators.combine(
                        token,
                        version.list().ofMaxSize(2),
                        legacyVersion.list().ofMaxSize(1),
                        contentType.list().ofMaxSize(2),
                        junk.list().ofMaxSize(3))
                .as((t, v, l, c, j) -> {
                    List<Header> all = new ArrayList<>();
                    all.add(t);
                    all.addAll(v);
                    all.addAll(l);
                    all.addAll(c);
                    all.addAll(j);
                    return all;
                });
    }

    /** Strings with meaning somewhere: numbers out of range, booleans as Python writes them, injections, unicode. */
    private static Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(256).ofMaxLength(300),
                Arbitraries.of(
                        "",
                        "-1",
                        "0",
                        "1",
                        "1000",
                        "1001",
                        "99999999999999999999999",
                        "2147483648",
                        "-2147483649",
                        "1.5",
                        "1e3",
                        "NaN",
                        "abc",
                        "null",
                        "None",
                        "true",
                        "True",
                        "yes",
                        "asc",
                        "desc",
                        "name:asc",
                        "created_at:sideways",
                        ",,,",
                        "{'k': 'v'}",
                        "{\"k\": 1}",
                        "{",
                        "[]",
                        "'; DROP TABLE snapshots; --",
                        "\" OR 1=1 --",
                        "1) OR (1=1",
                        "%' OR name LIKE '%",
                        "$(reboot)",
                        "`id`",
                        "<script>alert(1)</script>",
                        "${jndi:ldap://x/a}",
                        "{{7*7}}",
                        "\u0000",
                        "\r\nX-Injected: 1",
                        "ünïcødé",
                        "日本語",
                        "\uD83D\uDE00",
                        "\uD800",
                        "../../etc/passwd",
                        "00000000-0000-4000-8000-000000000000",
                        "id",
                        "volume_id",
                        "status",
                        "project_id",
                        "user_id",
                        "available",
                        "error",
                        "deleting",
                        "nova",
                        "__DEFAULT__"));
    }

    private static Arbitrary<byte[]> bodies() {
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
                "volume_type",
                "imageRef",
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
                "rollback",
                "quota_set",
                "volumes",
                "snapshots",
                "gigabytes",
                "per_volume_gigabytes",
                "backups",
                "k",
                "",
                "ü",
                "__proto__");
        Arbitrary<String> scalar = Arbitraries.oneOf(
                values().map(HostileRequestPropertyTest::quote),
                Arbitraries.of(
                        "null",
                        "true",
                        "false",
                        "0",
                        "-1",
                        "1",
                        "2",
                        "1e400",
                        "-0",
                        "12345678901234567890123",
                        "1.5",
                        "[]",
                        "{}",
                        "[1,2]",
                        "[\"a\",{\"b\":null}]"),
                Arbitraries.just("\"" + "x".repeat(70_000) + "\""));
        Arbitrary<String> object = Combinators.combine(
                        key.list().ofMaxSize(4), scalar.list().ofSize(4))
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
        Arbitrary<String> wrapped =
                Combinators.combine(key, object).as((outer, o) -> "{" + quote(outer) + ":" + o + "}");
        Arbitrary<String> nested = Combinators.combine(key, key, object)
                .as((outer, inner, o) -> "{" + quote(outer) + ":{" + quote(inner) + ":" + o + "}}");
        Arbitrary<String> duplicated = Combinators.combine(key, key, scalar, scalar)
                .as((outer, inner, a, b) ->
                        "{" + quote(outer) + ":{" + quote(inner) + ":" + a + "," + quote(inner) + ":" + b + "}}");
        Arbitrary<String> deep = Arbitraries.of(
                "[".repeat(5000) + "]".repeat(5000),
                "{\"volume\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000) + "}",
                "{\"snapshot\":{\"metadata\":" + "[".repeat(1500) + "]".repeat(1500) + "}}",
                "{\"metadata\":{"
                        + java.util.stream.IntStream.range(0, 3000)
                                .mapToObj(i -> "\"k" + i + "\":\"v\"")
                                .reduce((a, b) -> a + "," + b)
                                .orElseThrow()
                        + "}}");
        Arbitrary<String> broken = Arbitraries.of(
                "",
                "{",
                "}",
                "[",
                "nul",
                "{\"a\":}",
                "{\"a\" 1}",
                "{\"a\":1}{",
                "{'a': 1}",
                "{\"volume\":{\"size\":1,}}",
                "\uFEFF{}",
                "{\"volume\":{\"size\":NaN}}",
                "{\"volume\":{\"size\":Infinity}}",
                "{\"snapshot\":{\"name\":\"a\",\"name\":\"b\",\"volume_id\":null}}",
                "{\"volume\":{\"size\":1,\"size\":\"x\"}}");
        Arbitrary<byte[]> text = Arbitraries.oneOf(object, wrapped, nested, duplicated, deep, broken, scalar)
                .map(b -> b.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> notUtf8 = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                wrapped.map(b -> {
                    byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
                    byte[] spoiled = java.util.Arrays.copyOf(bytes, bytes.length + 2);
                    int at = Math.max(0, bytes.length / 2);
                    System.arraycopy(bytes, at, spoiled, at + 2, bytes.length - at);
                    spoiled[at] = (byte) 0xC3;
                    spoiled[at + 1] = (byte) 0x28;
                    return spoiled;
                }),
                Arbitraries.just("{\"snapshot\":{\"name\":\"\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1)),
                Arbitraries.just("{\"volume\":{\"size\":1}}".getBytes(StandardCharsets.UTF_16)));
        Arbitrary<byte[]> oversized = Arbitraries.just(
                ("{\"volume\":{\"name\":\"" + "x".repeat(2 << 20) + "\"}}").getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(16, text), Tuple.of(4, notUtf8), Tuple.of(1, oversized));
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
