package io.cairn.http;

import static io.cairn.http.SnapshotListFixture.CREATED_AT;
import static io.cairn.http.SnapshotListFixture.ID;
import static io.cairn.http.SnapshotListFixture.OTHER_PROJECT;
import static io.cairn.http.SnapshotListFixture.PROJECT;
import static io.cairn.http.SnapshotListFixture.allIds;
import static io.cairn.http.SnapshotListFixture.awaitSnapshotsAvailable;
import static io.cairn.http.SnapshotListFixture.createSnapshot;
import static io.cairn.http.SnapshotListFixture.createVolume;
import static io.cairn.http.SnapshotListFixture.encode;
import static io.cairn.http.SnapshotListFixture.ids;
import static io.cairn.http.SnapshotListFixture.order;
import static io.cairn.http.SnapshotListFixture.rename;
import static io.cairn.http.SnapshotListFixture.resetStatus;
import static io.cairn.http.SnapshotListFixture.setProgress;
import static io.cairn.http.SnapshotListFixture.sortedIds;
import static io.cairn.http.SnapshotListFixture.walk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.http.SnapshotListFixture.Key;
import io.cairn.http.SnapshotListFixture.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Contract §5, sorting: every sort key in both directions and both syntaxes, checked against an order
 * computed here (NULL lowest, created_at and id appended in the first direction), and keyset paging under
 * non-default sorts, on data full of ties, NULLs and empty strings.
 */
class SnapshotListSortTest {
    private static final Key NAME = new Key("name", false);
    private static final Key STATUS = new Key("status", false);
    private static final Key SIZE = new Key("size", true);
    /** The sort keys and the detail-view field (at 3.41, with the extended attributes) each one orders by. */
    private static final Map<String, Key> KEYS = Map.ofEntries(
            Map.entry("id", ID),
            Map.entry("created_at", CREATED_AT),
            Map.entry("updated_at", new Key("updated_at", false)),
            Map.entry("display_name", NAME),
            Map.entry("name", NAME),
            Map.entry("display_description", new Key("description", false)),
            Map.entry("status", STATUS),
            Map.entry("volume_id", new Key("volume_id", false)),
            Map.entry("volume_size", SIZE),
            Map.entry("project_id", new Key("os-extended-snapshot-attributes:project_id", false)),
            Map.entry("user_id", new Key("user_id", false)),
            Map.entry("progress", new Key("os-extended-snapshot-attributes:progress", false)),
            Map.entry("group_snapshot_id", new Key("group_snapshot_id", false)));

    private static final String[] NAMES = {"db", "web", null, "", "db", "app", "web", null, "cache"};
    private static final String[] DESCRIPTIONS = {null, "nightly", "", "before upgrade"};

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    /** Every snapshot of both projects as the detail list shows it at 3.41. */
    static List<JsonNode> all;

    @BeforeAll
    static void seed() {
        server = TestServer.start(dataDir);
        admin = server.as("ada", PROJECT);
        // Three users, four volumes of three sizes, repeated names and descriptions: ties on every key.
        List<Client> members = Stream.of("ann", "bob", "cy")
                .map(user -> server.as(user, PROJECT, "member", "reader"))
                .toList();
        List<String> volumes = IntStream.of(2, 1, 2, 3)
                .mapToObj(size -> createVolume(admin, size))
                .toList();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 42; i++) {
            ids.add(createSnapshot(
                            members.get(i % 3),
                            volumes.get(i % 4),
                            NAMES[i % NAMES.length],
                            DESCRIPTIONS[i % 4],
                            Map.of())
                    .get("id")
                    .asString());
        }
        Client otherMember = server.as("dee", OTHER_PROJECT, "member", "reader");
        String otherVolume = createVolume(otherMember, 1);
        for (int i = 0; i < 6; i++) {
            createSnapshot(otherMember, otherVolume, NAMES[i], Map.of());
        }
        awaitSnapshotsAvailable(admin);
        for (int i = 0; i < ids.size(); i++) {
            switch (i % 7) {
                case 2 -> resetStatus(admin, ids.get(i), "error");
                case 4 -> resetStatus(admin, ids.get(i), "backing-up");
                case 6 ->
                    setProgress(admin, ids.get(i), List.of("5%", "37%", "0%").get(i % 3)); // progress sorts as text
                case 1 -> rename(members.get(0), ids.get(i), i % 2 == 0 ? "db" : "zeta");
                default -> {}
            }
        }
        JsonNode body =
                admin.version("3.41").get("/snapshots/detail?all_tenants=1").json();
        all = StreamSupport.stream(body.get("snapshots").spliterator(), false).toList();
        assertThat(all).hasSize(48);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> keysDirectionsAndForms() {
        return KEYS.keySet().stream()
                .sorted()
                .flatMap(key -> Stream.of("asc", "desc")
                        .flatMap(direction ->
                                Stream.of("sort", "sort_key").map(form -> arguments(key, direction, form))));
    }

    @ParameterizedTest(name = "{0} {1} via {2}")
    @MethodSource("keysDirectionsAndForms")
    void everySortKeyOrdersAsComputedInBothDirectionsAndBothSyntaxes(String key, String direction, String form) {
        String sort =
                form.equals("sort") ? "sort=" + key + ":" + direction : "sort_key=" + key + "&sort_dir=" + direction;

        List<String> listed = ids(admin.version("3.41")
                .get("/snapshots/detail?all_tenants=1&" + sort)
                .json());

        assertThat(listed).isEqualTo(expected(key + ":" + direction));
    }

    @Test
    void theDefaultOrderIsNewestFirst() {
        assertThat(ids(admin.get("/snapshots?all_tenants=1").json())).isEqualTo(expected("created_at:desc"));
    }

    @Test
    void aSortKeyWithoutADirectionSortsDescending() {
        assertThat(ids(admin.get("/snapshots?all_tenants=1&sort_key=volume_size")
                        .json()))
                .isEqualTo(expected("volume_size:desc"));
        assertThat(ids(admin.get("/snapshots?all_tenants=1&sort=volume_size").json()))
                .isEqualTo(expected("volume_size:desc"));
    }

    @Test
    void aSortDirectionAloneOrdersByCreatedAtAndId() {
        assertThat(ids(admin.get("/snapshots?all_tenants=1&sort_dir=asc").json()))
                .isEqualTo(expected("created_at:asc"));
    }

    @Test
    void eachItemWithoutADirectionIsDescendingAndTheAppendedKeysFollowTheFirstDirection() {
        List<String> listed = ids(admin.get("/snapshots?all_tenants=1&sort=display_name:asc,status")
                .json());

        // display_name asc, status desc, then created_at asc and id asc: the first direction, not the default.
        assertThat(listed).isEqualTo(sortedIds(all, order(List.of(NAME, STATUS), List.of(true, false))));
    }

    @Test
    void sortItemsAndTheDeprecatedParametersAreStripped() {
        assertThat(ids(admin.get("/snapshots?all_tenants=1&sort=" + encode(" volume_size : asc , display_name "))
                        .json()))
                .isEqualTo(expected("volume_size:asc,display_name:desc"));
        assertThat(ids(admin.get("/snapshots?all_tenants=1&sort_key=" + encode(" status ") + "&sort_dir="
                                + encode("asc "))
                        .json()))
                .isEqualTo(expected("status:asc"));
    }

    @Test
    void nameSortsByDisplayNameFrom3_30() {
        assertThat(ids(admin.version("3.30")
                        .get("/snapshots?all_tenants=1&sort=name:asc")
                        .json()))
                .isEqualTo(expected("display_name:asc"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "display_name:asc",
                "display_name:desc",
                "status:asc,display_name:desc",
                "volume_size:desc",
                "progress:asc",
                "updated_at:asc",
                "group_snapshot_id:asc",
                "user_id:desc,volume_id:asc,display_description:asc"
            })
    void markerPagingUnderAnySortVisitsEveryRowOnceInOrder(String sort) {
        List<Page> pages = walk(admin.version("3.41"), "/snapshots/detail?all_tenants=1&limit=5&sort=" + sort);

        assertThat(allIds(pages)).isEqualTo(expected(sort));
        assertThat(pages.subList(0, pages.size() - 1))
                .allSatisfy(page -> assertThat(page.ids()).hasSize(5));
    }

    @Test
    void markerPagingWithTheDeprecatedParametersKeepsThemInTheLink() {
        List<Page> pages = walk(
                admin.version("3.41"), "/snapshots/detail?all_tenants=1&sort_key=display_name&sort_dir=asc&limit=4");

        assertThat(allIds(pages)).isEqualTo(expected("display_name:asc"));
        assertThat(pages.getFirst().next().orElseThrow())
                .contains("/snapshots/detail?all_tenants=1&sort_key=display_name&sort_dir=asc&limit=4&marker=");
    }

    @Test
    void aMemberPagesThroughItsOwnProjectUnderASort() {
        Client member = server.as("ann", PROJECT, "member", "reader").version("3.41");
        List<JsonNode> own = all.stream()
                .filter(s -> s.get("os-extended-snapshot-attributes:project_id")
                        .asString()
                        .equals(PROJECT))
                .toList();

        List<Page> pages = walk(member, "/snapshots/detail?limit=4&sort=status:asc,display_name:asc");

        assertThat(allIds(pages)).isEqualTo(sortedIds(own, order(List.of(STATUS, NAME), List.of(true, true))));
    }

    /** The order the test computes for a {@code sort} value such as {@code status:asc,display_name:desc}. */
    private static List<String> expected(String sort) {
        List<Key> keys = new ArrayList<>();
        List<Boolean> ascending = new ArrayList<>();
        for (String item : sort.split(",")) {
            String[] keyAndDirection = item.split(":");
            keys.add(KEYS.get(keyAndDirection[0]));
            ascending.add(keyAndDirection[1].equals("asc"));
        }
        return sortedIds(all, order(keys, ascending));
    }
}
