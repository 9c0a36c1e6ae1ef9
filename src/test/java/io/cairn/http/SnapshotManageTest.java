package io.cairn.http;

import static io.cairn.http.SnapshotFixture.assertFault;
import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** os-unmanage, the manageable-snapshot listing and manage: contract §1-§3 and Tempest's admin/test_snapshot_manage. */
class SnapshotManageTest extends SnapshotApiTest {

    private static Reply unmanage(Client client, String id) {
        return client.post("/snapshots/" + id + "/action", json("{'os-unmanage':{}}"));
    }

    /** Unmanages a new snapshot and waits until the database has forgotten it. */
    private static String unmanagedSnapshot() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertThat(unmanage(admin, id).status()).isEqualTo(202);
        SnapshotFixture.awaitGone(admin, "/snapshots/" + id);
        return id;
    }

    private static long snapshotsInUse() {
        Reply reply = admin.get("/os-quota-sets/" + SnapshotFixture.PROJECT + "?usage=True");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json().at("/quota_set/snapshots/in_use").asLong();
    }

    private static List<String> ids(JsonNode list, String key) {
        List<String> ids = new ArrayList<>();
        list.get(key)
                .forEach(item -> ids.add(
                        item.has("id")
                                ? item.get("id").asString()
                                : item.at("/reference/source-name").asString()));
        return ids;
    }

    @Test
    void tempestUnmanageThenManageKeepsTheSnapshotUnderTheGivenFields() {
        String id = SnapshotFixture.snapshot(member, volume);
        long inUse = snapshotsInUse();

        Reply unmanaged = unmanage(admin, id);
        assertThat(unmanaged.status()).isEqualTo(202);
        assertThat(unmanaged.text()).isEmpty();
        SnapshotFixture.awaitGone(admin, "/snapshots/" + id);
        assertThat(ids(admin.get("/snapshots/detail?all_tenants=1").json(), "snapshots"))
                .doesNotContain(id);
        assertThat(snapshotsInUse()).isEqualTo(inUse - 1);

        Reply managed = admin.post(
                "/os-snapshot-manage",
                json(
                        "{'snapshot':{'volume_id':'%s','ref':{'source-name':'%s'},"
                                + "'name':'managed','description':'brought back','metadata':{'manage-snap-meta1':'value1'}}}",
                        volume, id));
        assertThat(managed.status()).as(managed.text()).isEqualTo(202);
        assertThat(managed.json().get("snapshot").propertyNames())
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

        String newId = managed.json().at("/snapshot/id").asString();
        JsonNode shown = SnapshotFixture.await(admin, "/snapshots/" + newId, "/snapshot/status", "available")
                .get("snapshot");
        assertThat(shown.get("size").intValue()).isEqualTo(1);
        assertThat(shown.get("volume_id").asString()).isEqualTo(volume);
        assertThat(shown.get("name").asString()).isEqualTo("managed");
        assertThat(shown.get("description").asString()).isEqualTo("brought back");
        assertThat(shown.at("/metadata/manage-snap-meta1").asString()).isEqualTo("value1");
        assertThat(snapshotsInUse()).isEqualTo(inUse);

        // The data was kept: a volume made from the managed snapshot becomes available.
        Reply fromSnapshot = member.post("/volumes", json("{'volume':{'size':1,'snapshot_id':'%s'}}", newId));
        assertThat(fromSnapshot.status()).as(fromSnapshot.text()).isEqualTo(202);
        SnapshotFixture.await(
                member, "/volumes/" + fromSnapshot.json().at("/volume/id").asString(), "/volume/status", "available");
    }

    @Test
    void unmanageNeedsAdmin() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertFault(
                unmanage(member, id),
                403,
                "Policy doesn't allow volume_extension:snapshot_admin_actions:snapshot_unmanage to be performed.");
    }

    @Test
    void unmanageRefusesWhatDeleteRefuses() {
        String id = SnapshotFixture.snapshotIn(admin, volume, "creating");
        assertFault(
                unmanage(admin, id),
                400,
                "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.");
        assertThat(SnapshotFixture.show(admin, id).get("status").asString()).isEqualTo("creating");
        String missing = UUID.randomUUID().toString();
        assertFault(unmanage(admin, missing), 404, "Snapshot " + missing + " could not be found.");
    }

    @Test
    void manageableListShowsUnmanagedSnapshotsOnly() {
        String unmanaged = unmanagedSnapshot();
        String managed = SnapshotFixture.snapshot(member, volume);
        Client at38 = admin.version("3.8");

        Reply summary = at38.get("/manageable_snapshots?host=test@local");
        assertThat(summary.status()).as(summary.text()).isEqualTo(200);
        assertThat(summary.json().propertyNames()).containsExactly("manageable-snapshots");
        assertThat(ids(summary.json(), "manageable-snapshots"))
                .contains(unmanaged)
                .doesNotContain(managed);
        JsonNode item = summary.json().get("manageable-snapshots").get(0);
        assertThat(item.propertyNames()).containsExactly("reference", "size", "safe_to_manage", "source_reference");

        Reply detail = at38.get("/manageable_snapshots/detail?host=test@local");
        assertThat(detail.json().get("manageable-snapshots").get(0).propertyNames())
                .containsExactly(
                        "reference",
                        "size",
                        "safe_to_manage",
                        "source_reference",
                        "reason_not_safe",
                        "extra_info",
                        "cinder_id");
    }

    @Test
    void manageableListSortsAndPaginatesByReference() {
        unmanagedSnapshot();
        unmanagedSnapshot();
        Client at38 = admin.version("3.8");
        List<String> descending = ids(at38.get("/manageable_snapshots?host=h").json(), "manageable-snapshots");
        assertThat(descending).hasSizeGreaterThanOrEqualTo(2).isSortedAccordingTo((a, b) -> b.compareTo(a));
        List<String> ascending =
                ids(at38.get("/manageable_snapshots?host=h&sort=reference:asc").json(), "manageable-snapshots");
        assertThat(ascending).isSorted();

        String marker = json("{'source-name':'%s'}", ascending.get(0));
        List<String> afterMarker = ids(
                at38.get("/manageable_snapshots?host=h&sort_dir=asc&limit=1&marker="
                                + URLEncoder.encode(marker, StandardCharsets.UTF_8))
                        .json(),
                "manageable-snapshots");
        assertThat(afterMarker).containsExactly(ascending.get(1));
        assertThat(ids(
                        at38.get("/manageable_snapshots?host=h&sort_dir=asc&offset=1&limit=1")
                                .json(),
                        "manageable-snapshots"))
                .containsExactly(ascending.get(1));

        assertFault(at38.get("/manageable_snapshots?host=h&sort_key=id"), 400, "Invalid sort keys passed: id");
        assertFault(
                at38.get("/manageable_snapshots?host=h&marker=nojson"),
                400,
                "Invalid input received: marker nojson can not be analysed, please use json like format");
    }

    @Test
    void manageableListNeedsExactlyOneOfHostAndCluster() {
        assertFault(
                admin.version("3.8").get("/manageable_snapshots"),
                400,
                "Invalid input received: Host field is missing.");
        assertFault(
                admin.version("3.17").get("/manageable_snapshots?host=a&cluster=b"),
                400,
                "Invalid input received: One and only one of cluster and host must be set.");
        assertThat(admin.version("3.17").get("/manageable_snapshots?cluster=b").status())
                .isEqualTo(200);
    }

    @Test
    void manageableRoutesStartAt38() {
        assertThat(admin.version("3.7").get("/manageable_snapshots?host=h").status())
                .isEqualTo(404);
        assertThat(admin.get("/manageable_snapshots/detail?host=h").status()).isEqualTo(404);
        assertThat(admin.version("3.7")
                        .post("/manageable_snapshots", json("{'snapshot':{}}"))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void manageableListAndManageNeedAdmin() {
        assertFault(
                member.version("3.8").get("/manageable_snapshots?host=h"),
                403,
                "Policy doesn't allow snapshot_extension:list_manageable to be performed.");
        assertFault(
                member.post(
                        "/os-snapshot-manage",
                        json("{'snapshot':{'volume_id':'%s','ref':{'source-name':'x'}}}", volume)),
                403,
                "Policy doesn't allow snapshot_extension:snapshot_manage to be performed.");
    }

    @Test
    void manageAt38AnswersWithTheSummaryKeys() {
        String id = unmanagedSnapshot();
        Reply managed = admin.version("3.71")
                .post(
                        "/manageable_snapshots",
                        json("{'snapshot':{'volume_id':'%s','ref':{'source-name':'%s'}}}", volume, id));
        assertThat(managed.status()).as(managed.text()).isEqualTo(202);
        assertThat(managed.json().get("snapshot").propertyNames())
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
    }

    @Test
    void manageRejectsUnknownOrManagedReferencesAndUnknownVolumes() {
        String managed = SnapshotFixture.snapshot(member, volume);
        assertFault(
                admin.post(
                        "/os-snapshot-manage",
                        json("{'snapshot':{'volume_id':'%s','ref':{'source-name':'%s'}}}", volume, managed)),
                400,
                "Manage existing snapshot failed due to invalid backend reference {'source-name': '" + managed
                        + "'}: snapshot " + managed + " is already managed");
        String unknown = UUID.randomUUID().toString();
        assertFault(
                admin.post(
                        "/os-snapshot-manage",
                        json("{'snapshot':{'volume_id':'%s','ref':{'source-name':'%s'}}}", volume, unknown)),
                400,
                "Manage existing snapshot failed due to invalid backend reference {'source-name': '" + unknown
                        + "'}: no snapshot " + unknown + " on the backend");
        assertFault(
                admin.post(
                        "/os-snapshot-manage",
                        json("{'snapshot':{'volume_id':'%s','ref':{'source-name':'x'}}}", unknown)),
                404,
                "Volume " + unknown + " could not be found.");
        assertThat(admin.post("/os-snapshot-manage", json("{'snapshot':{'volume_id':'%s'}}", volume))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aSnapshotLeftUnmanagingIsForgottenAfterARestart(@TempDir Path ownDataDir) {
        String id;
        try (TestServer first = SnapshotFixture.start(ownDataDir)) {
            Client firstAdmin = SnapshotFixture.admin(first);
            id = SnapshotFixture.snapshot(firstAdmin, SnapshotFixture.volume(firstAdmin, 1));
            // A reset leaves the status with no task behind it, as a crash between the two would.
            SnapshotFixture.resetStatus(firstAdmin, id, "unmanaging");
        }
        try (TestServer second = SnapshotFixture.start(ownDataDir)) {
            Client secondAdmin = SnapshotFixture.admin(second);
            SnapshotFixture.awaitGone(secondAdmin, "/snapshots/" + id);
            List<String> manageable = ids(
                    secondAdmin
                            .version("3.8")
                            .get("/manageable_snapshots?host=h")
                            .json(),
                    "manageable-snapshots");
            if ("rbd".equals(System.getProperty("cairn.test.backend"))) {
                assertThat(manageable).contains(id); // every test server shares the pool, and lists its snapshots
            } else {
                assertThat(manageable).containsExactly(id);
            }
        }
    }

    @Test
    void resourceFiltersListSnapshotAndVolumeFilters() {
        Reply snapshot = admin.version("3.33").get("/resource_filters?resource=snapshot");
        assertThat(snapshot.status()).isEqualTo(200);
        assertThat(snapshot.text())
                .isEqualTo(json("{'resource_filters':[{'resource':'snapshot','filters':"
                        + "['name','status','volume_id','metadata','availability_zone','consumes_quota']}]}"));
        JsonNode all = admin.version("3.33").get("/resource_filters").json().get("resource_filters");
        assertThat(all.findValuesAsString("resource"))
                .containsExactly("volume", "backup", "snapshot", "group", "group_snapshot");
        assertThat(admin.version("3.32").get("/resource_filters").status()).isEqualTo(404);
    }
}
