package io.cairn.http;

import static io.cairn.http.SnapshotListFixture.JSON;
import static io.cairn.http.SnapshotListFixture.OTHER_PROJECT;
import static io.cairn.http.SnapshotListFixture.PROJECT;
import static io.cairn.http.SnapshotListFixture.awaitSnapshotsAvailable;
import static io.cairn.http.SnapshotListFixture.createSnapshot;
import static io.cairn.http.SnapshotListFixture.createVolume;
import static io.cairn.http.SnapshotListFixture.ids;
import static io.cairn.http.SnapshotListFixture.query;
import static io.cairn.http.SnapshotListFixture.resetStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract §5, filters and tenancy: what each filter matches, which filters a non-admin may use at which
 * microversion, what admins get for filters that are not columns, and whose snapshots anyone sees.
 * Snapshots are named s1..s6 (the project) and o1, o2 (another project) in assertions.
 */
class SnapshotListFilterTest {
    private static final String[] OWN = {"s1", "s2", "s3", "s4", "s5", "s6"};

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;
    static final Map<String, String> labels = new HashMap<>();
    static final Map<String, String> idOf = new HashMap<>();

    @BeforeAll
    static void seed() {
        server = TestServer.start(dataDir);
        admin = server.as("ada", PROJECT);
        member = server.as("mia", PROJECT, "member", "reader");
        String a = createVolume(admin, 1);
        String b = createVolume(admin, 2);
        label(
                "s1",
                createSnapshot(admin, a, "alpha", "first", Map.of("k", "v", "team", "red"))
                        .get("id")
                        .asString());
        label(
                "s2",
                createSnapshot(admin, b, "alpha", Map.of("k", "v")).get("id").asString());
        label(
                "s3",
                createSnapshot(admin, a, "beta", Map.of("team", "blue"))
                        .get("id")
                        .asString());
        label("s4", createSnapshot(admin, b, null, Map.of()).get("id").asString());
        label(
                "s5",
                createSnapshot(admin, a, "alphabet", Map.of("note", "it's \"hi\""))
                        .get("id")
                        .asString());
        label("s6", createSnapshot(admin, b, "gamma", Map.of()).get("id").asString());
        Client otherAdmin = server.as("olga", OTHER_PROJECT);
        String other = createVolume(otherAdmin, 1);
        label(
                "o1",
                createSnapshot(otherAdmin, other, "alpha", Map.of("k", "v"))
                        .get("id")
                        .asString());
        label(
                "o2",
                createSnapshot(otherAdmin, other, "delta", Map.of()).get("id").asString());
        awaitSnapshotsAvailable(admin);
        resetStatus(admin, idOf.get("s6"), "error");
    }

    private static void label(String label, String id) {
        labels.put(id, label);
        idOf.put(label, id);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The labels of the listed snapshots (the request must succeed). */
    private static List<String> listed(Client client, String path) {
        Reply reply = client.get(path);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return ids(reply.json()).stream().map(labels::get).toList();
    }

    private static void assertBadRequest(Reply reply, String message) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json())
                .isEqualTo(JSON.readTree(
                        "{\"badRequest\": {\"code\": 400, \"message\": " + JSON.writeValueAsString(message) + "}}"));
    }

    @Test
    void nameStatusAndVolumeIdMatchExactly() {
        for (Client client : List.of(member, member.version("3.31"), admin, admin.version("3.71"))) {
            assertThat(listed(client, "/snapshots?name=alpha")).containsExactlyInAnyOrder("s1", "s2");
            assertThat(listed(client, "/snapshots?name=alph")).isEmpty();
            assertThat(listed(client, "/snapshots?status=error")).containsExactly("s6");
            assertThat(listed(
                            client,
                            "/snapshots/detail?volume_id="
                                    + admin.get("/snapshots/" + idOf.get("s3"))
                                            .json()
                                            .at("/snapshot/volume_id")
                                            .asString()))
                    .containsExactlyInAnyOrder("s1", "s3", "s5");
        }
    }

    @Test
    void metadataTakesCinderclientsDictReprOrJsonAndEveryPairMustMatch() {
        Client client = member.version("3.22");
        assertThat(listed(client, "/snapshots" + query("metadata", "{'k': 'v'}")))
                .containsExactlyInAnyOrder("s1", "s2");
        assertThat(listed(client, "/snapshots" + query("metadata", "{'k': 'v', 'team': 'red'}")))
                .containsExactly("s1");
        assertThat(listed(client, "/snapshots" + query("metadata", "{\"team\": \"blue\"}")))
                .containsExactly("s3");
        // Python's repr escapes the single quote when a value holds both kinds.
        assertThat(listed(client, "/snapshots" + query("metadata", "{'note': 'it\\'s \"hi\"'}")))
                .containsExactly("s5");
        assertThat(listed(client, "/snapshots" + query("metadata", "{'k': 'x'}")))
                .isEmpty();
    }

    @Test
    void metadataIsDroppedBefore3_22EvenForAdmins() {
        assertThat(listed(member.version("3.21"), "/snapshots" + query("metadata", "{'team': 'red'}")))
                .containsExactlyInAnyOrder(OWN);
        assertThat(listed(admin.version("3.21"), "/snapshots" + query("metadata", "{'team': 'red'}")))
                .containsExactlyInAnyOrder(OWN);
    }

    @Test
    void metadataThatIsNotADictMatchesNothing() {
        assertThat(listed(member.version("3.22"), "/snapshots?metadata=k")).isEmpty();
        assertThat(listed(admin.version("3.31"), "/snapshots" + query("metadata", "['k']")))
                .isEmpty();
    }

    @Test
    void availabilityZoneIsTheVolumesZone() {
        Client client = member.version("3.31");
        assertThat(listed(client, "/snapshots?availability_zone=nova")).containsExactlyInAnyOrder(OWN);
        assertThat(listed(client, "/snapshots?availability_zone=elsewhere")).isEmpty();
        // Cinder joins the volume only for a non-empty zone, so an empty one filters nothing.
        assertThat(listed(client, "/snapshots?availability_zone=")).containsExactlyInAnyOrder(OWN);
        assertThat(listed(admin, "/snapshots?availability_zone=elsewhere")).isEmpty();
        // Not one of the filters a non-admin may use before 3.31, so it is dropped.
        assertThat(listed(member.version("3.30"), "/snapshots?availability_zone=elsewhere"))
                .containsExactlyInAnyOrder(OWN);
    }

    @Test
    void consumesQuotaMatchesUseQuotaAndMustBeABoolean() {
        Client client = member.version("3.65");
        assertThat(listed(client, "/snapshots?consumes_quota=true")).containsExactlyInAnyOrder(OWN);
        assertThat(listed(client, "/snapshots?consumes_quota=False")).isEmpty();
        assertBadRequest(
                client.get("/snapshots?consumes_quota=maybe"), "Value 'maybe' for 'use_quota' is not a boolean.");
        // oslo's is_valid_boolstr does not strip.
        assertBadRequest(
                client.get("/snapshots?consumes_quota=+true"), "Value ' true' for 'use_quota' is not a boolean.");
        assertBadRequest(
                admin.version("3.31").get("/snapshots?use_quota=maybe"),
                "Value 'maybe' for 'use_quota' is not a boolean.");
    }

    @Test
    void unknownFiltersAreSilentlyDroppedForNonAdminsBefore3_31() {
        assertThat(listed(member.version("3.30"), "/snapshots?foo=1&name=alpha&bar=2"))
                .containsExactlyInAnyOrder("s1", "s2");
    }

    @Test
    void unknownFiltersAreRefusedForNonAdminsFrom3_31InTheOrderSent() {
        assertBadRequest(
                member.version("3.31").get("/snapshots?foo=1&name=alpha&bar=2"),
                "Invalid filters foo,bar are found in query options.");
        assertBadRequest(
                member.version("3.71").get("/snapshots?project_id=" + OTHER_PROJECT),
                "Invalid filters project_id are found in query options.");
    }

    @Test
    void nonAsciiFilterKeysAreRefusedFrom3_31EvenForAdmins() {
        String key = SnapshotListFixture.encode("näme");
        assertBadRequest(
                member.version("3.31").get("/snapshots?" + key + "=x"),
                "Filter keys can only contain ASCII characters.");
        assertBadRequest(
                admin.version("3.31").get("/snapshots?" + key + "=x"),
                "Filter keys can only contain ASCII characters.");
        assertThat(listed(member.version("3.30"), "/snapshots?" + key + "=x")).containsExactlyInAnyOrder(OWN);
    }

    @Test
    void likeFiltersMatchAnywhereForAdminsFrom3_31WithUnescapedWildcards() {
        Client client = admin.version("3.31");
        assertThat(listed(client, "/snapshots?name~=lph")).containsExactlyInAnyOrder("s1", "s2", "s5");
        // The value goes into LIKE '%value%' as it is: '_' matches any one character.
        assertThat(listed(client, "/snapshots?name~=a_pha")).containsExactlyInAnyOrder("s1", "s2", "s5");
        assertThat(listed(client, "/snapshots?description~=irs")).containsExactly("s1");
    }

    @Test
    void likeFiltersAreRefusedForNonAdminsBecauseNoneAreConfigured() {
        assertBadRequest(
                member.version("3.34").get("/snapshots?name~=lph"),
                "Invalid filters name~ are found in query options.");
        assertBadRequest(
                member.version("3.31").get("/snapshots?name~=lph"),
                "Invalid filters name~ are found in query options.");
    }

    @Test
    void anAdminFilterThatIsNotAColumnGivesAnEmptyList() {
        assertThat(admin.get("/snapshots?foo=1").json()).isEqualTo(JSON.readTree("{\"snapshots\": []}"));
        assertThat(admin.version("3.71").get("/snapshots/detail?foo=1").json())
                .isEqualTo(JSON.readTree("{\"snapshots\": []}"));
        assertThat(admin.version("3.45").get("/snapshots?foo=1&with_count=true").json())
                .isEqualTo(JSON.readTree("{\"snapshots\": [], \"count\": 0}"));
    }

    @Test
    void adminsMayFilterOnAnyColumn() {
        assertThat(listed(admin, "/snapshots?display_description=first")).containsExactly("s1");
        assertThat(listed(admin, "/snapshots?user_id=ada&volume_size=2")).containsExactlyInAnyOrder("s2", "s4", "s6");
        assertThat(listed(admin.version("3.31"), "/snapshots?use_quota=true")).containsExactlyInAnyOrder(OWN);
    }

    @Test
    void withCountBefore3_45IsJustAFilter() {
        assertBadRequest(
                member.version("3.44").get("/snapshots?with_count=true"),
                "Invalid filters with_count are found in query options.");
        assertThat(admin.version("3.44").get("/snapshots?with_count=true").json())
                .isEqualTo(JSON.readTree("{\"snapshots\": []}"));
        Reply dropped = member.version("3.30").get("/snapshots?with_count=true");
        assertThat(ids(dropped.json())).hasSize(OWN.length);
        assertThat(dropped.json().has("count")).isFalse();
    }

    @Test
    void withCountCountsEveryMatchBeforeLimitOffsetAndMarker() {
        Reply reply = member.version("3.45").get("/snapshots?name=alpha&limit=1&offset=1&with_count=true");
        assertThat(ids(reply.json())).hasSize(1);
        assertThat(reply.json().get("count").asInt()).isEqualTo(2);

        Reply afterMarker =
                member.version("3.45").get("/snapshots?marker=" + idOf.get("s6") + "&limit=1&with_count=true");
        assertThat(afterMarker.json().get("count").asInt()).isEqualTo(OWN.length);
        assertThat(admin.version("3.45")
                        .get("/snapshots?all_tenants=1&name=alpha&with_count=true")
                        .json()
                        .get("count")
                        .asInt())
                .isEqualTo(3);
    }

    @Test
    void nonAdminsSeeOnlyTheirOwnProjectWhateverTheyAskFor() {
        assertThat(listed(member, "/snapshots")).containsExactlyInAnyOrder(OWN);
        assertThat(listed(member, "/snapshots?all_tenants=1&project_id=" + OTHER_PROJECT))
                .containsExactlyInAnyOrder(OWN);
        // From 3.31 all_tenants is silently removed (cinderclient always sends it), not refused.
        assertThat(listed(member.version("3.31"), "/snapshots?all_tenants=1")).containsExactlyInAnyOrder(OWN);
        assertThat(listed(server.as("rita", PROJECT, "reader"), "/snapshots/detail"))
                .containsExactlyInAnyOrder(OWN);
    }

    @ParameterizedTest(name = "all_tenants={0}")
    @ValueSource(strings = {"1", "t", "true", "True", "on", "y", "yes", "YES", "+yes"})
    void adminsSeeEveryProjectWhenAllTenantsIsTrue(String value) {
        assertThat(listed(admin, "/snapshots?all_tenants=" + value))
                .containsExactlyInAnyOrder("s1", "s2", "s3", "s4", "s5", "s6", "o1", "o2");
    }

    @ParameterizedTest(name = "all_tenants={0}")
    @ValueSource(strings = {"0", "false", "no", "maybe", "", "2"})
    void anyOtherAllTenantsValueShowsAdminsOnlyTheirProject(String value) {
        assertThat(listed(admin, "/snapshots?all_tenants=" + value)).containsExactlyInAnyOrder(OWN);
    }

    @Test
    void aProjectIdFilterOnlyCountsTogetherWithAllTenants() {
        assertThat(listed(admin, "/snapshots?project_id=" + OTHER_PROJECT)).containsExactlyInAnyOrder(OWN);
        assertThat(listed(admin, "/snapshots?all_tenants=1&project_id=" + OTHER_PROJECT))
                .containsExactlyInAnyOrder("o1", "o2");
    }

    @Test
    void aMarkerFromAnotherProjectIsNotFoundForNonAdminsButIsForAdmins() {
        String marker = idOf.get("o1");
        Reply reply = member.get("/snapshots?marker=" + marker);
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json())
                .isEqualTo(JSON.readTree("{\"itemNotFound\": {\"code\": 404, \"message\": \"Snapshot " + marker
                        + " could not be found.\"}}"));
        // o1 is newer than all of the project's snapshots, so all of them come after it.
        assertThat(listed(admin, "/snapshots?marker=" + marker)).containsExactlyInAnyOrder(OWN);
    }

    @Test
    void listingNeedsAReaderRole() {
        Reply reply = server.as("oscar", PROJECT, "observer").get("/snapshots");
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json())
                .isEqualTo(
                        JSON.readTree(
                                "{\"forbidden\": {\"code\": 403, \"message\": \"Policy doesn't allow volume:get_all_snapshots to be performed.\"}}"));
    }
}
