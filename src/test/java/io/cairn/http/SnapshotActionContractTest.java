package io.cairn.http;

import static io.cairn.http.SnapshotFixture.assertFault;
import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** POST /snapshots/{id}/action: contract §3 (actions) with the policies of §10. */
class SnapshotActionContractTest extends SnapshotApiTest {
    private static final String STATUSES =
            "('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting', 'unmanaging', 'backing-up', 'restoring')";

    private static Reply act(Client client, String id, String body) {
        return client.post("/snapshots/" + id + "/action", json(body));
    }

    private static String status(String id) {
        return SnapshotFixture.show(admin, id).get("status").asString();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{'os-force_delete':{},'os-reset_status':{'status':'error'}}",
                "{}",
                "[]",
                "'os-force_delete'",
                "{"
            })
    void aBodyWithoutExactlyOneKeyIsMalformed(String body) {
        String id = SnapshotFixture.snapshot(member, volume);
        assertFault(act(admin, id, body), 400, "Malformed request body");
        assertThat(status(id)).isEqualTo("available");
    }

    @Test
    void anUnknownActionIsNamed() {
        assertFault(
                act(admin, "00000000-0000-4000-8000-000000000000", "{'os-unmanage-all':{}}"),
                400,
                "There is no such action: os-unmanage-all. Verify the request body and Content-Type header and try again.");
    }

    @Test
    void aGetOnTheActionPathIsThePlain404() {
        String id = SnapshotFixture.snapshot(member, volume);
        Reply reply = admin.get("/snapshots/" + id + "/action");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.text()).isEqualTo("404 Not Found\n\nThe resource could not be found.\n\n   ");
    }

    @ParameterizedTest
    @CsvSource({
        "ERROR,error",
        "Available,available",
        "CREATING,creating",
        "deleting,deleting",
        "DELETED,deleted",
        "Updating,updating",
        "ERROR_DELETING,error_deleting",
        "unmanaging,unmanaging",
        "BACKING-UP,backing-up",
        "Restoring,restoring"
    })
    void resetStatusTakesAnyStatusInAnyCaseAndStoresItLowercased(String requested, String stored) {
        String id = SnapshotFixture.snapshot(member, volume);
        assertThat(act(admin, id, json("{'os-reset_status':{'status':'%s'}}", requested))
                        .status())
                .isEqualTo(202);
        assertThat(status(id)).isEqualTo(stored);
    }

    @Test
    void resetStatusFollowsNoTransitionRules() {
        String id = SnapshotFixture.snapshotIn(admin, volume, "deleted");
        SnapshotFixture.resetStatus(admin, id, "creating");
        SnapshotFixture.resetStatus(admin, id, "available");
        assertThat(status(id)).isEqualTo("available");
    }

    @Test
    void resetStatusNamesTheValidStatusesWhenGivenAnother() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertFault(
                act(admin, id, "{'os-reset_status':{'status':'foo'}}"),
                400,
                "Snapshot status: foo is invalid, valid statuses are: " + STATUSES + ".");
        assertFault(
                act(admin, id, "{'os-reset_status':{'status':''}}"),
                400,
                "Snapshot status:  is invalid, valid statuses are: " + STATUSES + ".");
        // EVS's rollbacking is Cairn's own status, which Cinder's API does not know.
        assertFault(
                act(admin, id, "{'os-reset_status':{'status':'rollbacking'}}"),
                400,
                "Snapshot status: rollbacking is invalid, valid statuses are: " + STATUSES + ".");
        assertFault(
                act(admin, id, "{'os-reset_status':{}}"),
                400,
                "Invalid input for field/attribute os-reset_status. Value: {}. 'status' is a required property");
        assertThat(status(id)).isEqualTo("available");
    }

    @Test
    void resetStatusChecksTheValueBeforeThePolicy() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertFault(
                act(member, id, "{'os-reset_status':{'status':'foo'}}"),
                400,
                "Snapshot status: foo is invalid, valid statuses are: " + STATUSES + ".");
        assertFault(
                act(member, id, "{'os-reset_status':{'status':'error'}}"),
                403,
                "Policy doesn't allow volume_extension:snapshot_admin_actions:reset_status to be performed.");
        assertThat(status(id)).isEqualTo("available");
    }

    /** Cinder looks the snapshot up in the caller's project before it checks the admin policy, as show does. */
    @ParameterizedTest
    @ValueSource(strings = {"{'os-reset_status':{'status':'error'}}", "{'os-force_delete':{}}", "{'os-unmanage':{}}"})
    void anAdminActionOfAMemberOnASnapshotItCannotSeeIsNotFound(String action) {
        Client other = server.as(SnapshotFixture.OTHER_USER, SnapshotFixture.OTHER_PROJECT);
        String elsewhere = SnapshotFixture.snapshot(other, SnapshotFixture.volume(other, 1));
        assertFault(act(member, elsewhere, json(action)), 404, "Snapshot " + elsewhere + " could not be found.");
        assertFault(
                act(member, "00000000-0000-4000-8000-000000000000", json(action)),
                404,
                "Snapshot 00000000-0000-4000-8000-000000000000 could not be found.");
        assertThat(status(elsewhere)).isEqualTo("available");
    }

    @Test
    void resetStatusOfAnUnknownSnapshotIsNotFound() {
        assertFault(
                act(admin, "00000000-0000-4000-8000-000000000000", "{'os-reset_status':{'status':'error'}}"),
                404,
                "Snapshot 00000000-0000-4000-8000-000000000000 could not be found.");
    }

    @ParameterizedTest
    @CsvSource({
        "creating,creating",
        "creating,available",
        "creating,error",
        "deleting,deleting",
        "deleting,error_deleting"
    })
    void aMemberReportsTheAllowedTransitions(String from, String to) {
        String id = SnapshotFixture.snapshotIn(admin, volume, from);
        assertThat(act(member, id, json("{'os-update_snapshot_status':{'status':'%s'}}", to))
                        .status())
                .isEqualTo(202);
        assertThat(status(id)).isEqualTo(to);
    }

    @Test
    void aTargetTheCurrentStatusDoesNotAllowIsRefused() {
        String id = SnapshotFixture.snapshotIn(admin, volume, "creating");
        assertFault(
                act(member, id, "{'os-update_snapshot_status':{'status':'deleting'}}"),
                400,
                "Provided snapshot status deleting not allowed for snapshot with status creating.");
        // Compared as written: Cinder's check is case-sensitive.
        assertFault(
                act(member, id, "{'os-update_snapshot_status':{'status':'AVAILABLE'}}"),
                400,
                "Provided snapshot status AVAILABLE not allowed for snapshot with status creating.");
        assertThat(status(id)).isEqualTo("creating");
    }

    @ParameterizedTest
    @ValueSource(strings = {"available", "error", "error_deleting", "backing-up"})
    void onlyCreatingAndDeletingSnapshotsTakeStatusReports(String current) {
        String id = SnapshotFixture.snapshotIn(admin, volume, current);
        assertFault(
                act(member, id, "{'os-update_snapshot_status':{'status':'error'}}"),
                400,
                "Snapshot status " + current + " not allowed for update_snapshot_status");
    }

    @Test
    void aReportedProgressIsStored() {
        String id = SnapshotFixture.snapshotIn(admin, volume, "creating");
        assertThat(act(member, id, "{'os-update_snapshot_status':{'status':'error','progress':'80%'}}")
                        .status())
                .isEqualTo(202);
        assertThat(SnapshotFixture.show(admin, id)
                        .get("os-extended-snapshot-attributes:progress")
                        .asString())
                .isEqualTo("80%");
        // An empty progress changes nothing.
        SnapshotFixture.resetStatus(admin, id, "creating");
        assertThat(act(member, id, "{'os-update_snapshot_status':{'status':'creating','progress':''}}")
                        .status())
                .isEqualTo(202);
        assertThat(SnapshotFixture.show(admin, id)
                        .get("os-extended-snapshot-attributes:progress")
                        .asString())
                .isEqualTo("80%");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "abc%|Invalid input received: progress must be an integer percentage",
                "%|Invalid input received: progress must be an integer percentage",
                "101%|Invalid input received: progress must be an integer percentage between 0 and 100",
                "-1%|Invalid input received: progress must be an integer percentage between 0 and 100",
                "99999999999999999999%|Invalid input received: progress must be an integer percentage between 0 and 100",
                "50|Invalid input received: progress must be an integer percentage between 0 and 100"
            })
    void aProgressMustBeAnIntegerPercentage(String progress, String message) {
        String id = SnapshotFixture.snapshotIn(admin, volume, "creating");
        assertFault(
                act(member, id, json("{'os-update_snapshot_status':{'status':'creating','progress':'%s'}}", progress)),
                400,
                message);
        // The progress is checked with the request schema, before the status rules.
        assertFault(
                act(member, id, json("{'os-update_snapshot_status':{'status':'deleting','progress':'%s'}}", progress)),
                400,
                message);
    }

    @Test
    void aReaderMayNotReportStatus() {
        String id = SnapshotFixture.snapshotIn(admin, volume, "creating");
        assertFault(
                act(SnapshotFixture.reader(server), id, "{'os-update_snapshot_status':{'status':'available'}}"),
                403,
                "Policy doesn't allow snapshot_extension:snapshot_actions:update_snapshot_status to be performed.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"creating", "deleting", "error", "error_deleting", "available"})
    void forceDeleteTakesASnapshotInAnyStatus(String current) {
        String id = SnapshotFixture.snapshotIn(admin, volume, current);
        Reply reply = act(admin, id, "{'os-force_delete':{}}");
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.text()).isEmpty();
        SnapshotFixture.awaitGone(admin, "/snapshots/" + id);
    }

    @Test
    void forceDeleteRefusesASnapshotInAGroup() {
        String id = SnapshotFixture.snapshot(member, volume);
        // No API puts a snapshot in a group yet.
        SampleData.execute(
                dataDir, "UPDATE snapshots SET group_snapshot_id = ? WHERE id = ?", SampleData.GROUP_SNAPSHOT, id);
        assertFault(
                act(admin, id, "{'os-force_delete':{}}"),
                400,
                "Invalid snapshot: Snapshot  must not be part of a group.");
    }

    @Test
    void forceDeleteIsForAdmins() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertFault(
                act(member, id, "{'os-force_delete':{}}"),
                403,
                "Policy doesn't allow volume_extension:snapshot_admin_actions:force_delete to be performed.");
    }
}
