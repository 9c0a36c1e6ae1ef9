package io.cairn.http;

import static io.cairn.http.SnapshotListFixture.JSON;
import static io.cairn.http.SnapshotListFixture.PROJECT;
import static io.cairn.http.SnapshotListFixture.awaitSnapshotsAvailable;
import static io.cairn.http.SnapshotListFixture.createSnapshot;
import static io.cairn.http.SnapshotListFixture.createVolume;
import static io.cairn.http.SnapshotListFixture.encode;
import static io.cairn.http.SnapshotListFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract §5, errors: every list fault byte for byte, and Cinder's evaluation order (sort parameters,
 * then limit, marker and offset, then with_count, then filter validation, then sort directions, then
 * filters applied, then the marker lookup, then sort keys), which decides the fault a request with
 * several problems gets.
 */
class SnapshotListErrorTest {
    private static final String BOTH_SORTS =
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.";
    private static final String DIRECTION = "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.";
    private static final String SORT_KEY = "Invalid input received: Invalid sort key";
    private static final String LIMIT_NOT_INTEGER = "limit param must be an integer";
    private static final String LIMIT_NEGATIVE = "limit param must be positive";
    private static final String UNKNOWN = "00000000-0000-4000-8000-000000000000";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;
    static List<String> newestFirst;

    @BeforeAll
    static void seed() {
        server = TestServer.start(dataDir);
        admin = server.as("ada", PROJECT);
        member = server.as("mia", PROJECT, "member", "reader");
        String volume = createVolume(admin, 1);
        for (String name : List.of("one", "two", "three")) {
            createSnapshot(admin, volume, name, Map.of());
        }
        awaitSnapshotsAvailable(admin);
        newestFirst = ids(admin.get("/snapshots").json());
        assertThat(newestFirst).hasSize(3);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertFault(Reply reply, int status, String name, String message) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.json())
                .isEqualTo(JSON.readTree("{\"" + name + "\": {\"code\": " + status + ", \"message\": "
                        + JSON.writeValueAsString(message) + "}}"));
    }

    private static void assertBadRequest(Reply reply, String message) {
        assertFault(reply, 400, "badRequest", message);
    }

    private static List<String> listed(Reply reply) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return ids(reply.json());
    }

    // Sort parameters.

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "sort=status&sort_key=id",
                "sort=id:asc&sort_dir=asc",
                "sort=&sort_key=id",
                "sort_dir=asc&sort=id"
            })
    void sortCannotBeCombinedWithTheDeprecatedParameters(String query) {
        assertBadRequest(admin.get("/snapshots/detail?" + query), BOTH_SORTS);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "sort_dir=sideways",
                "sort=id:sideways",
                "sort=id:ASC",
                "sort=id:asc,status:up",
                "sort_dir=",
                "sort=id:%20,status:asc"
            })
    void aDirectionMustBeExactlyAscOrDesc(String query) {
        assertBadRequest(admin.get("/snapshots?" + query), DIRECTION);
    }

    @Test
    void anEmptyDirectionAfterTheColonIsTheDefaultDesc() {
        // Cinder defaults a direction that is empty before stripping; "id: ," above strips to "" and is refused,
        // but the whole value is stripped first, so a trailing "created_at: " is still the default.
        assertThat(listed(admin.get("/snapshots?sort=created_at:"))).isEqualTo(newestFirst);
        assertThat(listed(admin.get("/snapshots?sort=created_at:%20"))).isEqualTo(newestFirst);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "sort=size",
                "sort=description:asc",
                "sort_key=size",
                "sort_key=description",
                "sort=foo",
                "sort=",
                "sort_key=",
                "sort=id,,created_at",
                "sort=name:asc"
            })
    void anUnknownSortKeyIsRefused(String query) {
        assertBadRequest(admin.get("/snapshots?" + query), SORT_KEY);
    }

    @Test
    void nameIsASortKeyOnlyFrom3_30AndOnlyOnce() {
        assertBadRequest(admin.version("3.29").get("/snapshots?sort=name:asc"), SORT_KEY);
        assertThat(listed(admin.version("3.30").get("/snapshots?sort=name:asc")))
                .hasSize(3);
        // Cinder maps the first "name" to display_name; a second one stays unknown.
        assertBadRequest(admin.version("3.30").get("/snapshots?sort=name:asc,name:desc"), SORT_KEY);
    }

    @Test
    void everyColumnIsASortKey() {
        for (String column : List.of(
                "deleted",
                "deleted_at",
                "cgsnapshot_id",
                "scheduled_at",
                "encryption_key_id",
                "volume_type_id",
                "provider_location",
                "provider_id",
                "provider_auth",
                "use_quota")) {
            assertThat(listed(admin.get("/snapshots?sort=" + column + ":asc")))
                    .as(column)
                    .hasSize(3);
        }
    }

    // Limit, marker and offset.

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(strings = {"abc", "1.5", "", "0x10", "1e3", "1__0", "%2B", "%2B-1", "%E2%85%A0"})
    void aLimitThatPythonCannotReadAsAnIntegerIsRefused(String limit) {
        assertBadRequest(admin.get("/snapshots?limit=" + limit), LIMIT_NOT_INTEGER);
    }

    @Test
    void aLimitOfMoreThan4300DigitsIsNotAnIntegerToPython() {
        assertBadRequest(admin.get("/snapshots?limit=" + "1".repeat(4301)), LIMIT_NOT_INTEGER);
        assertThat(listed(admin.get("/snapshots?limit=" + "1".repeat(4300)))).hasSize(3);
    }

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(strings = {"-1", "-99999999999999999999", "+-1"})
    void aNegativeLimitIsRefused(String limit) {
        assertBadRequest(admin.get("/snapshots?limit=" + limit), LIMIT_NEGATIVE);
    }

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(strings = {"2", "%2B2", "+2+", "%202%20", "%0A2%09", "0_2", "02", "%C2%A02", "%D9%A2"})
    void aLimitIsReadAsPythonsIntDoes(String limit) {
        // Whitespace (no-break spaces included), a plus sign, underscores between digits, leading zeros, any script's
        // digits.
        assertThat(listed(admin.get("/snapshots?limit=" + limit))).isEqualTo(newestFirst.subList(0, 2));
    }

    @Test
    void offsetFaults() {
        assertBadRequest(admin.get("/snapshots?offset=abc"), "offset must be an integer");
        assertBadRequest(admin.get("/snapshots?offset=1.0"), "offset must be an integer");
        assertBadRequest(admin.get("/snapshots?offset="), "offset must be an integer");
        assertBadRequest(admin.get("/snapshots?offset=-1"), "offset must be >= 0");
        assertBadRequest(admin.get("/snapshots?offset=2147483648"), "offset must be <= 2147483647");
        assertBadRequest(admin.get("/snapshots?offset=99999999999999999999"), "offset must be <= 2147483647");
        assertThat(listed(admin.get("/snapshots?offset=2147483647"))).isEmpty();
        assertThat(listed(admin.get("/snapshots?offset=" + encode(" 1 ")))).isEqualTo(newestFirst.subList(1, 3));
    }

    @Test
    void anUnknownMarkerIsNotFound() {
        assertFault(
                admin.get("/snapshots/detail?marker=" + UNKNOWN),
                404,
                "itemNotFound",
                "Snapshot " + UNKNOWN + " could not be found.");
        // An empty marker is still a marker: Cinder looks it up ("marker is not None") and finds nothing.
        assertFault(member.get("/snapshots?marker="), 404, "itemNotFound", "Snapshot  could not be found.");
    }

    @Test
    void aMarkerExcludesItselfAndEverythingBefore() {
        assertThat(listed(member.get("/snapshots?marker=" + newestFirst.get(0))))
                .isEqualTo(newestFirst.subList(1, 3));
        assertThat(listed(member.get("/snapshots?marker=" + newestFirst.get(2))))
                .isEmpty();
    }

    // with_count.

    @ParameterizedTest(name = "with_count={0}")
    @ValueSource(strings = {"maybe", "+true", "2", ""})
    void withCountMustBeABooleanWordAsSent(String value) {
        assertBadRequest(
                admin.version("3.45").get("/snapshots?with_count=" + value),
                "Value '" + value.replace('+', ' ') + "' for 'with_count' is not a boolean.");
    }

    @ParameterizedTest(name = "with_count={0}")
    @ValueSource(strings = {"true", "TRUE", "1", "on", "Yes", "t", "y"})
    void withCountAcceptsOslosTrueWords(String value) {
        assertThat(member.version("3.45")
                        .get("/snapshots?with_count=" + value)
                        .json()
                        .get("count")
                        .asInt())
                .isEqualTo(3);
    }

    // Evaluation order.

    @Test
    void sortParametersComeBeforeLimit() {
        assertBadRequest(admin.get("/snapshots?limit=abc&sort=id&sort_key=id"), BOTH_SORTS);
    }

    @Test
    void aBadDirectionIsOnlyNoticedAfterLimitMarkerOffsetAndFilters() {
        assertBadRequest(admin.get("/snapshots?sort_dir=sideways&limit=abc"), LIMIT_NOT_INTEGER);
        assertBadRequest(
                admin.version("3.45").get("/snapshots?sort_dir=sideways&with_count=maybe"),
                "Value 'maybe' for 'with_count' is not a boolean.");
        assertBadRequest(
                member.version("3.31").get("/snapshots?sort_dir=sideways&foo=1"),
                "Invalid filters foo are found in query options.");
        assertBadRequest(
                member.version("3.65").get("/snapshots?sort_dir=sideways&consumes_quota=maybe"),
                "Value 'maybe' for 'use_quota' is not a boolean.");
    }

    @Test
    void limitComesBeforeOffsetAndOffsetBeforeWithCount() {
        assertBadRequest(admin.get("/snapshots?offset=-1&limit=-1"), LIMIT_NEGATIVE);
        assertBadRequest(admin.version("3.45").get("/snapshots?with_count=maybe&offset=-1"), "offset must be >= 0");
    }

    @Test
    void withCountComesBeforeFilterValidation() {
        assertBadRequest(
                member.version("3.45").get("/snapshots?foo=1&with_count=maybe"),
                "Value 'maybe' for 'with_count' is not a boolean.");
    }

    @Test
    void nonAsciiKeysAreReportedBeforeUnknownOnes() {
        assertBadRequest(
                member.version("3.31").get("/snapshots?foo=1&" + encode("ключ") + "=1"),
                "Filter keys can only contain ASCII characters.");
    }

    @Test
    void filterValidationComesBeforeThePolicyAndThePolicyBeforeDirections() {
        Client observer = server.as("oscar", PROJECT, "observer");
        assertBadRequest(
                observer.version("3.31").get("/snapshots?foo=1"), "Invalid filters foo are found in query options.");
        assertFault(
                observer.get("/snapshots?sort_dir=sideways"),
                403,
                "forbidden",
                "Policy doesn't allow volume:get_all_snapshots to be performed.");
    }

    @Test
    void aDirectionComesBeforeTheMarkerAndTheSortKey() {
        assertBadRequest(admin.get("/snapshots?sort_dir=sideways&marker=" + UNKNOWN), DIRECTION);
        assertBadRequest(admin.get("/snapshots?sort=size:sideways"), DIRECTION);
    }

    @Test
    void anInvalidAdminFilterEmptiesTheListBeforeTheMarkerOrSortKeyIsChecked() {
        assertThat(admin.get("/snapshots?foo=1&marker=" + UNKNOWN + "&sort=size")
                        .json())
                .isEqualTo(JSON.readTree("{\"snapshots\": []}"));
        assertThat(admin.get("/snapshots?foo=1&sort_key=size").json()).isEqualTo(JSON.readTree("{\"snapshots\": []}"));
    }

    @Test
    void aValidFilterThatMatchesNothingStillHasItsSortKeyChecked() {
        assertBadRequest(admin.get("/snapshots?status=nonexistent&sort_key=size"), SORT_KEY);
        assertBadRequest(admin.get("/snapshots?limit=0&sort_key=size"), SORT_KEY);
    }

    @Test
    void anUnknownMarkerComesBeforeAnUnknownSortKey() {
        assertFault(
                admin.get("/snapshots?marker=" + UNKNOWN + "&sort_key=size"),
                404,
                "itemNotFound",
                "Snapshot " + UNKNOWN + " could not be found.");
        assertBadRequest(admin.get("/snapshots?marker=" + newestFirst.get(0) + "&sort_key=size"), SORT_KEY);
    }
}
