package io.cairn.http;

import static io.cairn.http.SnapshotListFixture.CREATED_AT;
import static io.cairn.http.SnapshotListFixture.JSON;
import static io.cairn.http.SnapshotListFixture.OTHER_PROJECT;
import static io.cairn.http.SnapshotListFixture.PROJECT;
import static io.cairn.http.SnapshotListFixture.allIds;
import static io.cairn.http.SnapshotListFixture.awaitSnapshotsAvailable;
import static io.cairn.http.SnapshotListFixture.createSnapshot;
import static io.cairn.http.SnapshotListFixture.createVolume;
import static io.cairn.http.SnapshotListFixture.follow;
import static io.cairn.http.SnapshotListFixture.order;
import static io.cairn.http.SnapshotListFixture.page;
import static io.cairn.http.SnapshotListFixture.query;
import static io.cairn.http.SnapshotListFixture.sortedIds;
import static io.cairn.http.SnapshotListFixture.walk;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.http.SnapshotListFixture.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Contract §5, paging: marker paging through 2,500 snapshots, when a page carries a next link, what
 * {@code with_count} changes, and the exact shape of the {@code snapshots_links} hrefs.
 */
class SnapshotListTest {
    private static final int TOTAL = 2500;
    /** A name whose every odd character must come back quote_plus-encoded in a next link. */
    private static final String ODD_NAME = "a b/c~ü+%&=";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static String base;
    /** The project's snapshots in Cinder's default order: created_at desc, id desc. */
    static List<String> newestFirst;
    /** Both projects' snapshots, newest first. */
    static List<String> allProjectsNewestFirst;

    static List<JsonNode> created;

    @BeforeAll
    static void seed() {
        server = TestServer.start(dataDir);
        base = server.baseUrl() + "/v3/" + PROJECT;
        admin = server.as("ada", PROJECT);
        List<String> volumes = IntStream.of(1, 2, 3, 1, 2)
                .mapToObj(size -> createVolume(admin, size))
                .toList();
        created = new ArrayList<>();
        for (int i = 0; i < TOTAL; i++) {
            created.add(createSnapshot(
                    admin, volumes.get(i % volumes.size()), name(i), i % 3 == 0 ? Map.of("k", "v") : Map.of()));
        }
        Client otherAdmin = server.as("olga", OTHER_PROJECT);
        String otherVolume = createVolume(otherAdmin, 1);
        List<JsonNode> everything = new ArrayList<>(created);
        for (int i = 0; i < 3; i++) {
            everything.add(createSnapshot(otherAdmin, otherVolume, "other-" + i, Map.of()));
        }
        awaitSnapshotsAvailable(admin);
        newestFirst = sortedIds(created, order(List.of(CREATED_AT), List.of(false)));
        allProjectsNewestFirst = sortedIds(everything, order(List.of(CREATED_AT), List.of(false)));
    }

    /** Duplicates, NULLs and empty names, and one name full of characters that need encoding. */
    private static String name(int i) {
        return switch (i % 10) {
            case 0 -> null;
            case 1 -> "";
            default -> i == 7 ? ODD_NAME : "snap-" + i % 40;
        };
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "limit {0} on {1}")
    @CsvSource({"1, /snapshots", "50, /snapshots/detail", "1000, /snapshots"})
    void markerPagingVisitsEverySnapshotOnceInOrderAndEveryFullPageLinksOn(int limit, String collection) {
        List<Page> pages = walk(admin, collection + "?limit=" + limit);

        assertThat(allIds(pages)).isEqualTo(newestFirst);
        // A full page links on even when nothing follows, so an exact multiple ends with an empty page.
        assertThat(pages).hasSize(TOTAL / limit + 1);
        for (Page page : pages) {
            if (page.ids().size() == limit) {
                assertThat(page.next())
                        .contains(base + collection + "?limit=" + limit + "&marker="
                                + page.ids().getLast());
            } else {
                assertThat(page.next())
                        .as("a short or empty page has no next link")
                        .isEmpty();
                assertThat(page.body().has("snapshots_links")).isFalse();
            }
        }
        assertThat(pages.getLast().ids()).hasSize(TOTAL % limit);
    }

    @Test
    void withCountEveryNonEmptyPageLinksAndCountsTheWholeProject() {
        List<Page> pages = walk(admin.version("3.45"), "/snapshots?limit=1000&with_count=true");

        assertThat(pages).extracting(page -> page.ids().size()).containsExactly(1000, 1000, 500, 0);
        assertThat(pages).extracting(page -> page.next().isPresent()).containsExactly(true, true, true, false);
        assertThat(pages)
                .allSatisfy(page -> assertThat(page.body().get("count").asInt()).isEqualTo(TOTAL));
        assertThat(allIds(pages)).isEqualTo(newestFirst);
        assertThat(pages.get(2).next())
                .contains(base + "/snapshots?limit=1000&with_count=true&marker=" + newestFirst.getLast());
        assertThat(pages.getFirst().body().propertyNames()).containsExactly("snapshots", "snapshots_links", "count");
    }

    @Test
    void withCountFalseAddsNoCount() {
        JsonNode body =
                admin.version("3.45").get("/snapshots?limit=1&with_count=false").json();
        assertThat(body.has("count")).isFalse();
    }

    @Test
    void withoutALimitAPageHoldsTheMaximumOf1000() {
        List<Page> pages = walk(admin, "/snapshots");

        assertThat(pages).extracting(page -> page.ids().size()).containsExactly(1000, 1000, 500);
        assertThat(pages.getFirst().next()).contains(base + "/snapshots?marker=" + newestFirst.get(999));
        assertThat(allIds(pages)).isEqualTo(newestFirst);
    }

    @Test
    void aLimitAboveTheMaximumIsClampedTo1000AndKeptAsSentInTheLink() {
        Page page = page(admin.get("/snapshots?limit=99999999999999999999").json());

        assertThat(page.ids()).isEqualTo(newestFirst.subList(0, 1000));
        assertThat(page.next()).contains(base + "/snapshots?limit=99999999999999999999&marker=" + newestFirst.get(999));
    }

    @Test
    void limitZeroIsAnEmptyListWithoutLinks() {
        assertThat(admin.get("/snapshots?limit=0").json()).isEqualTo(JSON.readTree("{\"snapshots\": []}"));
    }

    @Test
    void offsetSkipsRowsAfterTheMarkerAndStaysInTheLink() {
        Page page = page(admin.get("/snapshots?marker=" + newestFirst.get(99) + "&offset=10&limit=5")
                .json());

        assertThat(page.ids()).isEqualTo(newestFirst.subList(110, 115));
        assertThat(page.next()).contains(base + "/snapshots?offset=10&limit=5&marker=" + newestFirst.get(114));
    }

    @Test
    void offsetWithoutAMarkerSkipsFromTheFirstRowAndAppliesAgainAfterTheNextMarker() {
        Page page = page(admin.get("/snapshots?offset=2498&limit=2").json());
        assertThat(page.ids()).isEqualTo(newestFirst.subList(2498, 2500));

        Page after = page(follow(admin, page.next().orElseThrow()).json());
        assertThat(after.ids()).isEmpty();
        assertThat(after.next()).isEmpty();
    }

    @Test
    void adminsPageThroughEveryProjectWithAllTenants() {
        List<Page> pages = walk(admin, "/snapshots?all_tenants=1&limit=1000");

        assertThat(allIds(pages)).isEqualTo(allProjectsNewestFirst);
        assertThat(pages.getFirst().next())
                .contains(base + "/snapshots?all_tenants=1&limit=1000&marker=" + allProjectsNewestFirst.get(999));
    }

    @Test
    void theNextHrefIsTheQueryInOrderWithoutTheOldMarkerAndTheNewMarkerLast() {
        String marker = newestFirst.get(4);
        Page page = page(admin.get("/snapshots/detail?sort=created_at:desc&marker=" + marker
                        + "&limit=2&status=available&all_tenants=0")
                .json());

        assertThat(page.ids()).isEqualTo(newestFirst.subList(5, 7));
        assertThat(page.next())
                .contains(
                        base + "/snapshots/detail?sort=created_at%3Adesc&limit=2&status=available&all_tenants=0&marker="
                                + newestFirst.get(6));
    }

    @Test
    void hrefValuesAreQuotePlusEncoded() {
        String odd = created.get(7).get("id").asString();
        Page page = page(
                admin.get("/snapshots" + query("name", ODD_NAME, "limit", "1")).json());

        assertThat(page.ids()).containsExactly(odd);
        assertThat(page.next()).contains(base + "/snapshots?name=a+b%2Fc~%C3%BC%2B%25%26%3D&limit=1&marker=" + odd);
        Page after = page(follow(admin, page.next().orElseThrow()).json());
        assertThat(after.ids()).isEmpty();
        assertThat(after.next()).isEmpty();
    }

    @Test
    void aMetadataFilterComesBackEncodedAsCinderclientSentIt() {
        List<String> withMetadata = newestFirst.stream()
                .filter(id -> created.stream()
                        .anyMatch(s -> s.get("id").asString().equals(id)
                                && s.get("metadata").has("k")))
                .limit(3)
                .toList();
        // The metadata filter counts from 3.22; earlier it is dropped, for admins too.
        Page page = page(admin.version("3.22")
                .get("/snapshots" + query("metadata", "{'k': 'v'}", "limit", "3"))
                .json());

        assertThat(page.ids()).isEqualTo(withMetadata);
        assertThat(page.next())
                .contains(
                        base + "/snapshots?metadata=%7B%27k%27%3A+%27v%27%7D&limit=3&marker=" + withMetadata.getLast());
    }

    @Test
    void blankValuesAndSemicolonSeparatedPairsComeBackAsAmpersandPairs() {
        // webob splits the query on ';' as well as '&' and keeps blank values.
        String newestUnnamed = newestFirst.stream()
                .filter(id -> created.stream()
                        .anyMatch(s -> s.get("id").asString().equals(id)
                                && "".equals(s.get("name").asString(null))))
                .findFirst()
                .orElseThrow();
        Page page = page(admin.get("/snapshots?name=;limit=1").json());

        assertThat(page.ids()).containsExactly(newestUnnamed);
        assertThat(page.next()).contains(base + "/snapshots?name=&limit=1&marker=" + newestUnnamed);
    }

    @Test
    void aProjectlessUrlGetsProjectlessLinks() {
        Page first = page(
                admin.send("GET", "//v3/snapshots/detail?limit=1", null, null).json());
        assertThat(first.ids()).containsExactly(newestFirst.getFirst());
        assertThat(first.next())
                .contains(server.baseUrl() + "/v3/snapshots/detail?limit=1&marker=" + newestFirst.getFirst());

        Page second = page(follow(admin, first.next().orElseThrow()).json());
        assertThat(second.ids()).containsExactly(newestFirst.get(1));
        assertThat(second.next())
                .contains(server.baseUrl() + "/v3/snapshots/detail?limit=1&marker=" + newestFirst.get(1));
    }

    @Test
    void aJsonSuffixIsNotPartOfTheLink() {
        Page page = page(admin.get("/snapshots/detail.json?limit=1").json());
        assertThat(page.next()).contains(base + "/snapshots/detail?limit=1&marker=" + newestFirst.getFirst());
    }

    @Test
    void theSummaryAndDetailListsPageAlike() {
        Page summary = page(admin.get("/snapshots?limit=3").json());
        Page detail = page(admin.get("/snapshots/detail?limit=3").json());

        assertThat(detail.ids()).isEqualTo(summary.ids());
        assertThat(summary.next())
                .contains(base + "/snapshots?limit=3&marker=" + summary.ids().getLast());
        assertThat(detail.next())
                .contains(base + "/snapshots/detail?limit=3&marker="
                        + summary.ids().getLast());
    }
}
