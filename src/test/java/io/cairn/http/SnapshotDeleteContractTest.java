package io.cairn.http;

import static io.cairn.http.SnapshotFixture.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DELETE /snapshots/{id}: contract §3 (delete) and §8 (lifecycle). */
class SnapshotDeleteContractTest extends SnapshotApiTest {
    private static final String NOT_DELETABLE =
            "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.";

    @Test
    void anAvailableSnapshotIsDeletedIn202AndThenGone() {
        String id = SnapshotFixture.snapshot(member, volume);

        Reply reply = member.delete("/snapshots/" + id);

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.text()).isEmpty();
        SnapshotFixture.awaitGone(member, "/snapshots/" + id);
        assertFault(member.get("/snapshots/" + id), 404, "Snapshot " + id + " could not be found.");
    }

    @Test
    void aSnapshotInErrorMayBeDeleted() {
        String id = SnapshotFixture.snapshotIn(admin, volume, "error");
        assertThat(member.delete("/snapshots/" + id).status()).isEqualTo(202);
        SnapshotFixture.awaitGone(member, "/snapshots/" + id);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "creating",
                "deleting",
                "error_deleting",
                "updating",
                "backing-up",
                "restoring",
                "unmanaging",
                "deleted"
            })
    void noOtherStatusMayBeDeleted(String status) {
        String id = SnapshotFixture.snapshotIn(admin, volume, status);
        assertFault(member.delete("/snapshots/" + id), 400, NOT_DELETABLE);
        assertThat(SnapshotFixture.show(member, id).get("status").asString()).isEqualTo(status);
    }

    @Test
    void aSnapshotInAGroupMayNotBeDeleted() {
        String id = SnapshotFixture.snapshot(member, volume);
        // No API puts a snapshot in a group yet.
        SampleData.execute(
                dataDir, "UPDATE snapshots SET group_snapshot_id = ? WHERE id = ?", SampleData.GROUP_SNAPSHOT, id);
        assertFault(member.delete("/snapshots/" + id), 400, NOT_DELETABLE);
    }

    @Test
    void anUnknownOrAnotherProjectsSnapshotIsNotFound() {
        assertFault(
                member.delete("/snapshots/00000000-0000-4000-8000-000000000000"),
                404,
                "Snapshot 00000000-0000-4000-8000-000000000000 could not be found.");
        Client other = server.as(SnapshotFixture.OTHER_USER, SnapshotFixture.OTHER_PROJECT, "member", "reader");
        String theirs = SnapshotFixture.snapshot(other, SnapshotFixture.volume(other, 1));
        assertFault(member.delete("/snapshots/" + theirs), 404, "Snapshot " + theirs + " could not be found.");
        assertFault(
                SnapshotFixture.reader(server).delete("/snapshots/" + theirs),
                404,
                "Snapshot " + theirs + " could not be found.");
    }

    @Test
    void aReaderMayNotDelete() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertFault(
                SnapshotFixture.reader(server).delete("/snapshots/" + id),
                403,
                "Policy doesn't allow volume:delete_snapshot to be performed.");
    }
}
