package io.cairn.http;

import static io.cairn.http.SnapshotFixture.assertFault;
import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** PUT /snapshots/{id}: contract §3 (update) and its quirk in §2. */
class SnapshotUpdateContractTest extends SnapshotApiTest {

    private static Reply update(Client client, String id, String snapshot) {
        return client.put("/snapshots/" + id, json("{'snapshot':" + snapshot + "}"));
    }

    @Test
    void anUpdateNeedsOneOfTheFourKeysAndNothingElse() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertFault(
                update(member, id, "{}"),
                400,
                "Invalid input for field/attribute snapshot. Value: {}. {} is not valid under any of the given schemas");
        assertFault(member.put("/snapshots/" + id, "{}"), 400, "'snapshot' is a required property");
        Reply extra = update(member, id, "{'name':'n','status':'error'}");
        assertThat(extra.status()).isEqualTo(400);
        assertThat(extra.message()).contains("Additional properties are not allowed ('status' was unexpected)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"name", "description", "display_name", "display_description"})
    void eachOfTheFourKeysIsEnough(String key) {
        String id = SnapshotFixture.snapshot(member, volume);
        assertThat(update(member, id, json("{'%s':'x'}", key)).status()).isEqualTo(200);
    }

    @Test
    void theAnswerHasTheNewValuesButTheUpdatedAtFromBefore() {
        String id = SnapshotFixture.snapshot(member, volume);
        String before = SnapshotFixture.show(member, id).get("updated_at").asString();

        Reply reply = update(member, id, "{'name':'renamed'}");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode answered = reply.json().get("snapshot");
        // The detail view without the extended attributes: at 3.0 the nine summary keys.
        assertThat(answered.propertyNames())
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
        assertThat(answered.get("name").asString()).isEqualTo("renamed");
        assertThat(answered.get("updated_at").asString()).isEqualTo(before);
        JsonNode stored = SnapshotFixture.show(member, id);
        assertThat(stored.get("name").asString()).isEqualTo("renamed");
        assertThat(stored.get("updated_at").asString()).isGreaterThan(before);
    }

    @Test
    void theLaterMicroversionKeysAppearInTheAnswer() {
        String id = SnapshotFixture.snapshot(member, volume);
        JsonNode answered = member.version("3.65")
                .put("/snapshots/" + id, json("{'snapshot':{'name':'n'}}"))
                .json()
                .get("snapshot");
        assertThat(answered.propertyNames())
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
                        "consumes_quota");
    }

    @Test
    void nameWinsOverDisplayNameAndDescriptionOverDisplayDescription() {
        String id = SnapshotFixture.snapshot(member, volume);
        JsonNode answered = update(
                        member, id, "{'display_name':'b','name':'a','display_description':'d','description':'c'}")
                .json()
                .get("snapshot");
        assertThat(answered.get("name").asString()).isEqualTo("a");
        assertThat(answered.get("description").asString()).isEqualTo("c");
        JsonNode aliases = update(member, id, "{'display_name':'b','display_description':'d'}")
                .json()
                .get("snapshot");
        assertThat(aliases.get("name").asString()).isEqualTo("b");
        assertThat(aliases.get("description").asString()).isEqualTo("d");
    }

    @Test
    void nullClearsAFieldAndAnAbsentOneIsKept() {
        String id = SnapshotFixture.snapshot(member, volume);
        update(member, id, "{'name':'n','description':'d'}");
        JsonNode answered = update(member, id, "{'description':null}").json().get("snapshot");
        assertThat(answered.get("name").asString()).isEqualTo("n");
        assertThat(answered.get("description").isNull()).isTrue();
        assertThat(SnapshotFixture.show(member, id).get("description").isNull()).isTrue();
    }

    @Test
    void valuesAreStrippedAndLimitedTo255Characters() {
        String id = SnapshotFixture.snapshot(member, volume);
        JsonNode answered = update(member, id, "{'name':'  n  ','description':' d\u00a0'}")
                .json()
                .get("snapshot");
        assertThat(answered.get("name").asString()).isEqualTo("n");
        assertThat(answered.get("description").asString()).isEqualTo("d");
        String name = "n".repeat(256);
        assertFault(
                update(member, id, json("{'display_name':'%s'}", name)),
                400,
                "Invalid input for field/attribute display_name. Value: " + name + ". '" + name + "' is too long");
    }

    @Test
    void anUpdateHasNoStatusPrecondition() {
        String id = SnapshotFixture.snapshotIn(admin, volume, "error_deleting");
        assertThat(update(member, id, "{'name':'still'}").status()).isEqualTo(200);
    }

    @Test
    void aReaderMayNotUpdate() {
        String id = SnapshotFixture.snapshot(member, volume);
        assertFault(
                update(SnapshotFixture.reader(server), id, "{'name':'x'}"),
                403,
                "Policy doesn't allow volume:update_snapshot to be performed.");
    }

    @Test
    void anotherProjectsSnapshotIsNotFoundRatherThanForbidden() {
        Client other = server.as(SnapshotFixture.OTHER_USER, SnapshotFixture.OTHER_PROJECT, "member", "reader");
        String theirs = SnapshotFixture.snapshot(other, SnapshotFixture.volume(other, 1));
        assertFault(update(member, theirs, "{'name':'x'}"), 404, "Snapshot " + theirs + " could not be found.");
        assertFault(
                update(SnapshotFixture.reader(server), theirs, "{'name':'x'}"),
                404,
                "Snapshot " + theirs + " could not be found.");
        assertFault(
                update(member, "00000000-0000-4000-8000-000000000000", "{'name':'x'}"),
                404,
                "Snapshot 00000000-0000-4000-8000-000000000000 could not be found.");
    }
}
