package io.cairn.http;

import static io.cairn.http.SnapshotFixture.TIMESTAMP;
import static io.cairn.http.SnapshotFixture.assertFault;
import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * What every snapshot call shares: routes, request bodies, headers and timestamps (contract §0), fault
 * bodies (§6), microversions and version documents (§7), and the reader's rights (§10).
 */
class SnapshotTransportContractTest {
    private static final String PLAIN_404 = "404 Not Found\n\nThe resource could not be found.\n\n   ";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;
    static String volume;
    static String snapshot;

    @BeforeAll
    static void start() {
        server = SnapshotFixture.start(dataDir);
        admin = SnapshotFixture.admin(server);
        member = SnapshotFixture.member(server);
        volume = SnapshotFixture.volume(member, 1);
        snapshot = SnapshotFixture.snapshot(member, volume);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String create() {
        return json("{'snapshot':{'volume_id':'%s'}}", volume);
    }

    @Test
    void aBodyOfAnotherMediaTypeIsUnsupported() {
        assertFault(member.send("POST", "/snapshots", create(), "text/plain"), 415, "Unsupported Content-Type");
        assertFault(
                member.send("PUT", "/snapshots/" + snapshot + "/metadata", json("{'metadata':{}}"), "application/xml"),
                415,
                "Unsupported Content-Type");
    }

    @Test
    void aBodyWithoutAContentTypeIsAClientError() {
        // Cinder hands such a body to nobody and answers 500; the fitting 4xx is the unsupported media type.
        assertFault(member.send("POST", "/snapshots", create(), null), 415, "Unsupported Content-Type");
    }

    @Test
    void theVolumeMediaTypeAndACharsetAreAccepted() {
        assertThat(member.send("POST", "/snapshots", create(), "application/vnd.openstack.volume+json")
                        .status())
                .isEqualTo(202);
        assertThat(member.send("POST", "/snapshots", create(), "application/json; charset=UTF-8")
                        .status())
                .isEqualTo(202);
    }

    @Test
    void malformedJsonIsAMalformedRequestBody() {
        assertFault(member.post("/snapshots", "{\"snapshot\":"), 400, "Malformed request body");
        assertFault(member.put("/snapshots/" + snapshot, "{'snapshot'}"), 400, "Malformed request body");
        assertFault(member.post("/snapshots/" + snapshot + "/metadata", "\u00ff"), 400, "Malformed request body");
    }

    @ParameterizedTest
    @CsvSource({
        "POST,/snapshots",
        "PUT,/snapshots/{id}",
        "POST,/snapshots/{id}/action",
        "POST,/snapshots/{id}/metadata",
        "PUT,/snapshots/{id}/metadata",
        "PUT,/snapshots/{id}/metadata/k"
    })
    void anEmptyBodyIsAClientErrorNeverAServerError(String method, String path) {
        Reply reply = member.send(method, path.replace("{id}", snapshot), "", "application/json");
        assertThat(reply.status()).as(reply.text()).isBetween(400, 499);
        assertThat(reply.json()
                        .properties()
                        .iterator()
                        .next()
                        .getValue()
                        .get("code")
                        .intValue())
                .isEqualTo(reply.status());
    }

    @Test
    void aJsonSuffixIsAccepted() {
        assertThat(member.get("/snapshots/detail.json").status()).isEqualTo(200);
        assertThat(member.get("/snapshots.json").status()).isEqualTo(200);
        assertThat(member.get("/snapshots/" + snapshot + ".json")
                        .json()
                        .at("/snapshot/id")
                        .asString())
                .isEqualTo(snapshot);
        assertThat(member.get("/snapshots/" + snapshot + "/metadata.json").status())
                .isEqualTo(200);
    }

    @Test
    void everyRouteAlsoExistsWithoutTheProject() {
        assertThat(member.get("//v3/snapshots/" + snapshot)
                        .json()
                        .at("/snapshot/id")
                        .asString())
                .isEqualTo(snapshot);
        assertThat(member.get("//v3/snapshots/detail").status()).isEqualTo(200);
        assertThat(member.send("GET", "//v3/snapshots/" + snapshot + "/metadata", null, null)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void anUnknownRouteOrMethodIsThePlain404OfTheRouter() {
        for (Reply reply : new Reply[] {
            member.send("PATCH", "/snapshots/" + snapshot, json("{'snapshot':{'name':'x'}}"), "application/json"),
            member.get("/snapshots/" + snapshot + "/nothing"),
            member.send("POST", "/snapshots/detail", create(), "application/json"),
            member.delete("/snapshots/" + snapshot + "/metadata"),
            member.get("/snapshots/summary/" + snapshot + "/x"),
            // A project id is lowercase hex and dashes; anything else is no project, so no route matches.
            member.get("//v3/" + SnapshotFixture.PROJECT.toUpperCase(Locale.ROOT) + "/snapshots")
        }) {
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.text()).isEqualTo(PLAIN_404);
        }
    }

    @Test
    void aUrlProjectOtherThanTheTokensIsAMalformedUrl() {
        assertFault(
                member.get("//v3/2a7d9e1f0b3c4d5e6f708192a3b4c5d6/snapshots/" + snapshot),
                400,
                "Malformed request url");
        assertFault(admin.get("//v3/2a7d9e1f0b3c4d5e6f708192a3b4c5d6/snapshots"), 400, "Malformed request url");
    }

    @Test
    void everyResponseCarriesTheRequestIdAndVersionHeaders() {
        for (Reply reply : new Reply[] {
            member.get("/snapshots/" + snapshot),
            member.get("/snapshots/00000000-0000-4000-8000-000000000000"),
            member.post("/snapshots", "{"),
            member.version("3.99").get("/snapshots"),
            member.get("/snapshots/" + snapshot + "/x")
        }) {
            assertThat(reply.header("x-openstack-request-id")).matches("req-[0-9a-f-]{36}");
            assertThat(reply.header("x-compute-request-id")).isEqualTo(reply.header("x-openstack-request-id"));
            assertThat(reply.header("OpenStack-API-Version")).startsWith("volume 3.");
            assertThat(reply.header("Vary")).isEqualTo("OpenStack-API-Version");
        }
        assertThat(member.get("/snapshots").header("OpenStack-API-Version")).isEqualTo("volume 3.0");
    }

    @Test
    void timestampsHaveSixFractionDigitsAndNoZone() {
        JsonNode shown = SnapshotFixture.show(member, snapshot);
        assertThat(shown.get("created_at").asString()).matches(TIMESTAMP);
        assertThat(shown.get("updated_at").asString()).matches(TIMESTAMP);
    }

    @Test
    void latestMeans3_71AndTheFirstVolumeEntryOfAListCounts() {
        Reply latest = member.version("latest").get("/snapshots/" + snapshot);
        assertThat(latest.header("OpenStack-API-Version")).isEqualTo("volume 3.71");
        assertThat(latest.json().at("/snapshot/consumes_quota").isBoolean()).isTrue();
        Reply listed = member.send("GET", "/snapshots/" + snapshot, null, null);
        assertThat(listed.header("OpenStack-API-Version")).isEqualTo("volume 3.0");
        Reply several = server.as(SnapshotFixture.USER, SnapshotFixture.PROJECT, "member", "reader")
                .version("3.41, compute 2.1, volume 3.14")
                .get("/snapshots/" + snapshot);
        assertThat(several.header("OpenStack-API-Version")).isEqualTo("volume 3.41");
        assertThat(several.json().at("/snapshot/user_id").asString()).isEqualTo(SnapshotFixture.USER);
    }

    @Test
    void aVersionOfTheWrongFormatIs400WithoutVersionHeaders() {
        for (String bad : new String[] {"3.05", "3", "bogus", "3.x"}) {
            Reply reply = member.version(bad).get("/snapshots/" + snapshot);
            assertFault(
                    reply,
                    400,
                    "API Version String " + bad + " is of invalid format. Must be of format MajorNum.MinorNum.");
            assertThat(reply.header("OpenStack-API-Version")).isNull();
            assertThat(reply.header("Vary")).isNull();
        }
    }

    @Test
    void aVersionOutOfRangeIs406EchoingIt() {
        for (String outside : new String[] {"3.99", "3.72", "2.0", "4.0"}) {
            Reply reply = member.version(outside).get("/snapshots/" + snapshot);
            assertFault(
                    reply,
                    406,
                    "Version " + outside + " is not supported by the API. Minimum is 3.0 and maximum is 3.71.");
            assertThat(reply.json().propertyNames()).containsExactly("computeFault");
            assertThat(reply.header("OpenStack-API-Version")).isEqualTo("volume " + outside);
        }
    }

    /** pkgcloud lists from snapshots/details; Cinder routes that to a show of the snapshot named "details". */
    @Test
    void pkgcloudsDetailsPathIsASnapshotThatDoesNotExist() {
        assertFault(member.get("/snapshots/details"), 404, "Snapshot details could not be found.");
        assertFault(member.get("/snapshots/details?limit=10"), 404, "Snapshot details could not be found.");
    }

    /** A show with the whole header as given: TestServer's client always says "volume". */
    private static Reply showWithVersionHeader(String header) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        server.baseUrl() + "/v3/" + SnapshotFixture.PROJECT + "/snapshots/" + snapshot))
                                .header("X-Auth-Token", SnapshotFixture.USER + ":" + SnapshotFixture.PROJECT)
                                .header("OpenStack-API-Version", header)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().map(), response.body());
    }

    /** Cinder's test is whether an entry contains "volume": gophercloud sends its service type, volumev3. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "volumev3 3.30|3.30",
                "volume 3.30|3.30",
                "compute 2.1, volumev3 3.41|3.41",
                "openstack-volume 3.14|3.14",
                "volumev3 latest|3.71",
                "volumev3 \t 3.30|3.30"
            })
    void anyServiceTypeThatContainsVolumeNegotiates(String header, String negotiated) throws Exception {
        Reply reply = showWithVersionHeader(header);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.header("OpenStack-API-Version")).isEqualTo("volume " + negotiated);
    }

    /** Cinder compares case-sensitively, so neither block-storage nor Volume is a volume entry; nor one that is not two words. */
    @ParameterizedTest
    @ValueSource(
            strings = {"block-storage 3.65", "Volume 3.30", "VOLUME 3.30", "compute 2.1", "volume", "volume 3.30 3.31"})
    void aHeaderWithoutAVolumeEntryOfTwoWordsIsTheGeneric400(String header) throws Exception {
        Reply reply = showWithVersionHeader(header);
        assertFault(
                reply,
                400,
                "The server could not comply with the request since it is either malformed or otherwise incorrect.");
        assertThat(reply.header("OpenStack-API-Version")).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"volume LATEST|LATEST", "3.30 volume|volume", "volumev3 v3|v3"})
    void theSecondWordOfTheVolumeEntryIsTheVersionAsWritten(String header, String version) throws Exception {
        assertFault(
                showWithVersionHeader(header),
                400,
                "API Version String " + version + " is of invalid format. Must be of format MajorNum.MinorNum.");
    }

    @Test
    void theVersionDocumentsAnswerAtTheRootAndAtV3() {
        Reply root = server.as(null, "x").send("GET", "//", null, null);
        assertThat(root.status()).isEqualTo(300);
        JsonNode version = root.json().at("/versions/0");
        assertThat(version.propertyNames())
                .containsExactly("id", "status", "version", "min_version", "updated", "links", "media-types");
        assertThat(version.get("version").asString()).isEqualTo("3.71");
        assertThat(version.get("min_version").asString()).isEqualTo("3.0");
        Reply v3 = member.get("//v3/");
        assertThat(v3.status()).isEqualTo(200);
        assertThat(v3.text()).isEqualTo(root.text());
        Reply redirect = member.get("//v3");
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo(server.baseUrl() + "/v3/");
    }

    @Test
    void aReaderMayListAndShowButNotCreate() {
        Client reader = SnapshotFixture.reader(server);
        assertThat(reader.get("/snapshots").json().get("snapshots").size()).isPositive();
        JsonNode detail =
                reader.get("/snapshots/detail").json().get("snapshots").get(0);
        assertThat(detail.has("os-extended-snapshot-attributes:progress")).isTrue();
        assertThat(reader.get("/snapshots/" + snapshot).status()).isEqualTo(200);
        assertFault(
                reader.post("/snapshots", create()),
                403,
                "Policy doesn't allow volume:create_snapshot to be performed.");
    }

    @Test
    void aCallerWithoutARoleMayNotEvenReadButStillSeesOtherProjectsAsMissing() {
        Client nobody = server.as(SnapshotFixture.USER, SnapshotFixture.PROJECT, "observer");
        assertFault(nobody.get("/snapshots"), 403, "Policy doesn't allow volume:get_all_snapshots to be performed.");
        assertFault(
                nobody.get("/snapshots/" + snapshot), 403, "Policy doesn't allow volume:get_snapshot to be performed.");
        assertFault(
                nobody.get("/snapshots/" + snapshot + "/metadata"),
                403,
                "Policy doesn't allow volume:get_snapshot_metadata to be performed.");
        Client other = server.as(SnapshotFixture.OTHER_USER, SnapshotFixture.OTHER_PROJECT, "observer");
        assertFault(other.get("//v3/snapshots/" + snapshot), 404, "Snapshot " + snapshot + " could not be found.");
    }

    @Test
    void theSummaryListNeverHasTheLaterKeysNorTheExtendedAttributes() {
        JsonNode item =
                admin.version("3.71").get("/snapshots").json().get("snapshots").get(0);
        assertThat(item.propertyNames())
                .containsExactly(
                        "id",
                        "created_at",
                        "updated_at",
                        "name",
                        "description",
                        "volume_id",
                        "status",
                        "size",
                        "metadata");
        JsonNode detail = admin.version("3.71")
                .get("/snapshots/detail")
                .json()
                .get("snapshots")
                .get(0);
        assertThat(detail.propertyNames())
                .containsExactly(
                        "id",
                        "created_at",
                        "updated_at",
                        "name",
                        "description",
                        "volume_id",
                        "status",
                        "size",
                        "metadata",
                        "group_snapshot_id",
                        "user_id",
                        "consumes_quota",
                        "os-extended-snapshot-attributes:project_id",
                        "os-extended-snapshot-attributes:progress");
    }
}
