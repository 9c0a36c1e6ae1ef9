package io.cairn.http;

import static io.cairn.http.SnapshotFixture.assertFault;
import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import org.junit.jupiter.api.Test;

/** /snapshots/{id}/metadata[/{key}]: contract §4, with the policies of §10. */
class SnapshotMetadataContractTest extends SnapshotApiTest {

    /** A snapshot with metadata {a: 1, b: 2}. */
    private static String snapshot() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertThat(member.put("/snapshots/" + id + "/metadata", json("{'metadata':{'a':'1','b':'2'}}"))
                        .status())
                .isEqualTo(200);
        return id;
    }

    private static String metadata(Client client, String id) {
        Reply reply = client.get("/snapshots/" + id + "/metadata");
        assertThat(reply.status()).isEqualTo(200);
        return reply.text();
    }

    @Test
    void postMergesAndAnswersTheWholeMap() {
        String id = snapshot();
        Reply reply = member.post("/snapshots/" + id + "/metadata", json("{'metadata':{'b':'two','c':'3'}}"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo(json("{'metadata':{'a':'1','b':'two','c':'3'}}"));
        assertThat(metadata(member, id)).isEqualTo(json("{'metadata':{'a':'1','b':'two','c':'3'}}"));
    }

    @Test
    void putReplacesTheWholeMapAndAnEmptyOneClearsIt() {
        String id = snapshot();
        Reply reply = member.put("/snapshots/" + id + "/metadata", json("{'metadata':{'c':'3'}}"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo(json("{'metadata':{'c':'3'}}"));
        assertThat(member.put("/snapshots/" + id + "/metadata", json("{'metadata':{}}"))
                        .text())
                .isEqualTo(json("{'metadata':{}}"));
        assertThat(metadata(member, id)).isEqualTo(json("{'metadata':{}}"));
    }

    @Test
    void anItemIsShownUpdatedAndDeleted() {
        String id = snapshot();
        assertThat(member.get("/snapshots/" + id + "/metadata/b").text()).isEqualTo(json("{'meta':{'b':'2'}}"));
        Reply updated = member.put("/snapshots/" + id + "/metadata/b", json("{'meta':{'b':'two'}}"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.text()).isEqualTo(json("{'meta':{'b':'two'}}"));
        Reply deleted = member.delete("/snapshots/" + id + "/metadata/a");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.text()).isEmpty();
        assertThat(metadata(member, id)).isEqualTo(json("{'metadata':{'b':'two'}}"));
    }

    @Test
    void anItemUpdateMustNameTheKeyOfTheUrl() {
        String id = snapshot();
        assertFault(
                member.put("/snapshots/" + id + "/metadata/a", json("{'meta':{'b':'x'}}")),
                400,
                "Request body and URI mismatch");
        Reply twoKeys = member.put("/snapshots/" + id + "/metadata/a", json("{'meta':{'a':'x','b':'y'}}"));
        assertThat(twoKeys.status()).isEqualTo(400);
        assertThat(twoKeys.message()).endsWith("has too many properties");
        assertThat(metadata(member, id)).isEqualTo(json("{'metadata':{'a':'1','b':'2'}}"));
    }

    @Test
    void aMissingKeyIsNotFound() {
        String id = snapshot();
        assertFault(
                member.get("/snapshots/" + id + "/metadata/nope"),
                404,
                "Snapshot " + id + " has no metadata with key nope.");
        assertFault(
                member.delete("/snapshots/" + id + "/metadata/nope"),
                404,
                "Snapshot " + id + " has no metadata with key nope.");
    }

    @Test
    void valuesMustBeStringsOfAtMost255Characters() {
        String id = snapshot();
        assertFault(
                member.post("/snapshots/" + id + "/metadata", json("{'metadata':{'k':1}}")),
                400,
                "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'");
        assertFault(
                member.put("/snapshots/" + id + "/metadata/k", json("{'meta':{'k':null}}")),
                400,
                "Invalid input for field/attribute k. Value: None. None is not of type 'string'");
        String value = "v".repeat(256);
        assertFault(
                member.put("/snapshots/" + id + "/metadata", json("{'metadata':{'k':'%s'}}", value)),
                400,
                "Invalid input for field/attribute k. Value: " + value + ". '" + value + "' is too long");
    }

    /** Cinder's schema message names the map and shows it, as for any error below the top of the body. */
    @Test
    void keysOutsideThePatternAreRejectedAndASlashIsNotAllowedHere() {
        String id = snapshot();
        assertFault(
                member.post("/snapshots/" + id + "/metadata", json("{'metadata':{'k/x':'v'}}")),
                400,
                "Invalid input for field/attribute metadata. Value: {'k/x': 'v'}. Additional properties are not allowed ('k/x' was unexpected)");
        assertFault(
                member.put("/snapshots/" + id + "/metadata", json("{'metadata':{'':'v','ok':'w'}}")),
                400,
                "Invalid input for field/attribute metadata. Value: {'': 'v', 'ok': 'w'}. Additional properties are not allowed ('' was unexpected)");
        assertThat(member.post("/snapshots/" + id + "/metadata", json("{'metadata':{'A-z_0:9. ':'v'}}"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theBodyNeedsItsEnvelope() {
        String id = snapshot();
        assertFault(
                member.post("/snapshots/" + id + "/metadata", json("{'meta':{'a':'b'}}")),
                400,
                "'metadata' is a required property");
        assertFault(
                member.put("/snapshots/" + id + "/metadata/a", json("{'metadata':{'a':'b'}}")),
                400,
                "'meta' is a required property");
    }

    @Test
    void noMetadataCallChecksTheSnapshotStatus() {
        String id = snapshot();
        SnapshotFixture.resetStatus(admin, id, "error_deleting");
        assertThat(member.post("/snapshots/" + id + "/metadata", json("{'metadata':{'c':'3'}}"))
                        .status())
                .isEqualTo(200);
        assertThat(member.put("/snapshots/" + id + "/metadata/c", json("{'meta':{'c':'4'}}"))
                        .status())
                .isEqualTo(200);
        assertThat(member.delete("/snapshots/" + id + "/metadata/c").status()).isEqualTo(200);
    }

    @Test
    void aReaderMayReadButNotWrite() {
        String id = snapshot();
        Client reader = SnapshotFixture.reader(server);
        assertThat(metadata(reader, id)).isEqualTo(json("{'metadata':{'a':'1','b':'2'}}"));
        assertThat(reader.get("/snapshots/" + id + "/metadata/a").status()).isEqualTo(200);
        assertFault(
                reader.post("/snapshots/" + id + "/metadata", json("{'metadata':{'c':'3'}}")),
                403,
                "Policy doesn't allow volume:update_snapshot_metadata to be performed.");
        assertFault(
                reader.put("/snapshots/" + id + "/metadata/a", json("{'meta':{'a':'3'}}")),
                403,
                "Policy doesn't allow volume:update_snapshot_metadata to be performed.");
        assertFault(
                reader.delete("/snapshots/" + id + "/metadata/a"),
                403,
                "Policy doesn't allow volume:delete_snapshot_metadata to be performed.");
        // Cinder looks the key up before the policy: a missing key is a 404 even for a reader.
        assertFault(
                reader.delete("/snapshots/" + id + "/metadata/nope"),
                404,
                "Snapshot " + id + " has no metadata with key nope.");
    }

    @Test
    void anotherProjectsSnapshotIsNotFound() {
        Client other = server.as(SnapshotFixture.OTHER_USER, SnapshotFixture.OTHER_PROJECT, "member", "reader");
        String theirs = SnapshotFixture.snapshot(other, SnapshotFixture.volume(other, 1));
        String notFound = "Snapshot " + theirs + " could not be found.";
        assertFault(member.get("/snapshots/" + theirs + "/metadata"), 404, notFound);
        assertFault(member.post("/snapshots/" + theirs + "/metadata", json("{'metadata':{'c':'3'}}")), 404, notFound);
        assertFault(
                SnapshotFixture.reader(server).put("/snapshots/" + theirs + "/metadata", json("{'metadata':{}}")),
                404,
                notFound);
        assertFault(member.delete("/snapshots/" + theirs + "/metadata/a"), 404, notFound);
    }
}
