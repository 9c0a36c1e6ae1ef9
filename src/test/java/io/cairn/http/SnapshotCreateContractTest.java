package io.cairn.http;

import static io.cairn.http.SnapshotFixture.TIMESTAMP;
import static io.cairn.http.SnapshotFixture.assertFault;
import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** POST /snapshots: contract §3 (create), with the policy of §10 and the representation of §2. */
class SnapshotCreateContractTest {
    private static final String FORCE_INVALID =
            "Since microversion 3.66 the 'force' flag is invalid for this request.  For "
                    + "backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;
    static String volume;

    @BeforeAll
    static void start() {
        server = SnapshotFixture.start(dataDir);
        admin = SnapshotFixture.admin(server);
        member = SnapshotFixture.member(server);
        volume = SnapshotFixture.volume(admin, 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Reply create(Client client, String snapshot) {
        return client.post("/snapshots", json("{'snapshot':" + snapshot + "}"));
    }

    private static Reply create(String snapshot) {
        return create(member, snapshot);
    }

    @Test
    void aNullVolumeIdIsNotFoundAsVolumeNone() {
        assertFault(create("{'volume_id':null,'display_name':'x'}"), 404, "Volume None could not be found.");
    }

    @Test
    void anUnknownVolumeIsNotFound() {
        assertFault(
                create("{'volume_id':'00000000-0000-4000-8000-000000000000'}"),
                404,
                "Volume 00000000-0000-4000-8000-000000000000 could not be found.");
    }

    @Test
    void aUuidWithoutDashesPassesTheSchemaButFindsNoVolume() {
        String bare = volume.replace("-", "");
        assertFault(create(json("{'volume_id':'%s'}", bare)), 404, "Volume " + bare + " could not be found.");
    }

    @Test
    void anotherProjectsVolumeIsNotFoundForAMember() {
        String theirs = SnapshotFixture.volume(server.as(SnapshotFixture.OTHER_USER, SnapshotFixture.OTHER_PROJECT), 1);
        assertFault(create(json("{'volume_id':'%s'}", theirs)), 404, "Volume " + theirs + " could not be found.");
    }

    @Test
    void theVolumeIdMustBeAUuid() {
        assertFault(
                create("{'volume_id':'abc'}"),
                400,
                "Invalid input for field/attribute volume_id. Value: abc. 'abc' is not a 'uuid'");
    }

    @Test
    void theVolumeIdIsRequired() {
        assertFault(
                create("{'name':'x'}"),
                400,
                "Invalid input for field/attribute snapshot. Value: {'name': 'x'}. 'volume_id' is a required property");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "true", "'True'", "'TRUE'", "'true'", "'1'", "'ON'", "'On'", "'on'", "'YES'", "'Yes'", "'yes'", "'y'",
                "'t'", "false", "'False'", "'FALSE'", "'false'", "'0'", "'OFF'", "'Off'", "'off'", "'NO'", "'No'",
                "'no'", "'n'", "'f'"
            })
    void forceAcceptsTheBooleanWordsOfCinder(String force) {
        assertThat(create(json("{'volume_id':'%s','force':%s}", volume, force)).status())
                .isEqualTo(202);
    }

    @Test
    void forceRejectsIntegersAndOtherSpellings() {
        assertFault(
                create(json("{'volume_id':'%s','force':1}", volume)),
                400,
                "Invalid input for field/attribute force. Value: 1. 1 is not of type 'boolean', 'string'");
        assertFault(
                create(json("{'volume_id':'%s','force':'trUE'}", volume)),
                400,
                "Invalid input for field/attribute force. Value: trUE. 'trUE' is not one of [True, 'True', 'TRUE', 'true', "
                        + "'1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', "
                        + "'Off', 'off', 'NO', 'No', 'no', 'n', 'f']");
        for (String other : new String[] {"'Y'", "'T'", "null", "''", "{}"}) {
            Reply reply = create(json("{'volume_id':'%s','force':%s}", volume, other));
            assertThat(reply.status()).as(other).isEqualTo(400);
            assertThat(reply.message()).as(other).startsWith("Invalid input for field/attribute force.");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "'False'", "'0'", "'off'", "'n'"})
    void forceFalseIsRefusedFrom3_66InCinderWords(String force) {
        assertFault(
                member.version("3.66")
                        .post("/snapshots", json("{'snapshot':{'volume_id':'%s','force':%s}}", volume, force)),
                400,
                FORCE_INVALID);
        assertFault(
                member.version("3.71")
                        .post("/snapshots", json("{'snapshot':{'volume_id':'%s','force':%s}}", volume, force)),
                400,
                FORCE_INVALID);
        assertThat(member.version("3.65")
                        .post("/snapshots", json("{'snapshot':{'volume_id':'%s','force':%s}}", volume, force))
                        .status())
                .isEqualTo(202);
    }

    @Test
    void forceFalseIsRefusedFrom3_66BeforeThePolicyIsChecked() {
        // Cinder's controller checks the flag before the volume API checks the policy: a reader gets the 400.
        assertFault(
                SnapshotFixture.reader(server)
                        .version("3.66")
                        .post("/snapshots", json("{'snapshot':{'volume_id':'%s','force':false}}", volume)),
                400,
                FORCE_INVALID);
    }

    @Test
    void forceTrueIsSilentlyAcceptedFrom3_66() {
        Reply reply = member.version("3.66")
                .post("/snapshots", json("{'snapshot':{'volume_id':'%s','force':'yes'}}", volume));
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().at("/snapshot/status").asString()).isEqualTo("creating");
    }

    @Test
    void anInUseVolumeNeedsForceBefore3_66AndNotFrom3_66() {
        String attached = SnapshotFixture.volume(member, 1);
        SnapshotFixture.attach(member, attached);
        String refused =
                "Invalid volume: Volume " + attached + " status must be available, but current status is: in-use.";
        assertFault(create(json("{'volume_id':'%s'}", attached)), 400, refused);
        assertFault(
                member.version("3.65")
                        .post("/snapshots", json("{'snapshot':{'volume_id':'%s','force':'False'}}", attached)),
                400,
                refused);
        assertThat(member.version("3.65")
                        .post("/snapshots", json("{'snapshot':{'volume_id':'%s','force':true}}", attached))
                        .status())
                .isEqualTo(202);
        assertThat(member.version("3.66")
                        .post("/snapshots", json("{'snapshot':{'volume_id':'%s'}}", attached))
                        .status())
                .isEqualTo(202);
    }

    @Test
    void aVolumeInErrorCannotBeSnapshotted() {
        String broken = SnapshotFixture.volume(member, 1);
        SnapshotFixture.resetVolume(admin, broken, "'status':'error'");
        assertFault(
                create(json("{'volume_id':'%s','force':true}", broken)),
                400,
                "Invalid volume: The snapshot cannot be created when the volume is in error status.");
    }

    @Test
    void aVolumeInMaintenanceCannotBeSnapshotted() {
        String maintained = SnapshotFixture.volume(member, 1);
        SnapshotFixture.resetVolume(admin, maintained, "'status':'maintenance'");
        assertFault(
                create(json("{'volume_id':'%s'}", maintained)),
                400,
                "Invalid volume: The snapshot cannot be created when the volume is in maintenance mode.");
    }

    @Test
    void aMigratingVolumeCannotBeSnapshotted() {
        String migrating = SnapshotFixture.volume(member, 1);
        SnapshotFixture.resetVolume(admin, migrating, "'migration_status':'migrating'");
        assertFault(
                create(json("{'volume_id':'%s'}", migrating)),
                400,
                "Invalid volume: Snapshot cannot be created while volume is migrating.");
    }

    @Test
    void aVolumeInAnyOtherStatusMustBeAvailable() {
        String busy = SnapshotFixture.volume(member, 1);
        SnapshotFixture.resetVolume(admin, busy, "'status':'creating'");
        assertFault(
                create(json("{'volume_id':'%s'}", busy)),
                400,
                "Invalid volume: Volume " + busy + " status must be available, but current status is: creating.");
        assertFault(
                member.version("3.66").post("/snapshots", json("{'snapshot':{'volume_id':'%s'}}", busy)),
                400,
                "Invalid volume: Volume " + busy
                        + " status must be available, in-use, but current status is: creating.");
    }

    @Test
    void nameWinsOverDisplayNameEvenWhenNull() {
        assertThat(create(json("{'volume_id':'%s','name':'a','display_name':'b'}", volume))
                        .json()
                        .at("/snapshot/name")
                        .asString())
                .isEqualTo("a");
        assertThat(create(json("{'volume_id':'%s','display_name':'b'}", volume))
                        .json()
                        .at("/snapshot/name")
                        .asString())
                .isEqualTo("b");
        assertThat(create(json("{'volume_id':'%s','name':null,'display_name':'b'}", volume))
                        .json()
                        .at("/snapshot/name")
                        .isNull())
                .isTrue();
    }

    @Test
    void displayDescriptionIsRejectedOnCreate() {
        Reply reply = create(json("{'volume_id':'%s','display_description':'d'}", volume));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.message())
                .contains("Additional properties are not allowed ('display_description' was unexpected)");
    }

    @Test
    void nameAndDescriptionAreStrippedOfWhitespaceAsPythonStripsIt() {
        JsonNode snapshot = create(
                        json("{'volume_id':'%s','name':'\\t padded\u00a0','description':'\u2003described '}", volume))
                .json()
                .get("snapshot");
        assertThat(snapshot.get("name").asString()).isEqualTo("padded");
        assertThat(snapshot.get("description").asString()).isEqualTo("described");
    }

    @Test
    void nameAndDescriptionMayHave255CharactersCountedBeforeStripping() {
        assertThat(create(json(
                                "{'volume_id':'%s','name':'%s','description':'%s'}",
                                volume, "n".repeat(255), "d".repeat(255)))
                        .status())
                .isEqualTo(202);
        String name = "n".repeat(256);
        assertFault(
                create(json("{'volume_id':'%s','name':'%s'}", volume, name)),
                400,
                "Invalid input for field/attribute name. Value: " + name + ". '" + name + "' is too long");
        String description = "d".repeat(256);
        assertFault(
                create(json("{'volume_id':'%s','description':'%s'}", volume, description)),
                400,
                "Invalid input for field/attribute description. Value: " + description + ". '" + description
                        + "' is too long");
        // Stripping comes after validation: 254 letters and two spaces are still too long.
        assertThat(create(json("{'volume_id':'%s','display_name':'%s  '}", volume, "n".repeat(254)))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void theDescriptionMustBePrintable() {
        Reply reply = create(json("{'volume_id':'%s','description':'bell\\u0007'}", volume));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.message())
                .startsWith(
                        "Invalid input for field/attribute description. Value: bell\u0007. 'bell\\x07' does not match");
    }

    @Test
    void metadataKeysMayHoldASlashOnCreate() {
        Reply reply = create(json("{'volume_id':'%s','metadata':{'a/b':'c','x-y_z:1. 2':'d'}}", volume));
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().at("/snapshot/metadata").toString()).isEqualTo(json("{'a/b':'c','x-y_z:1. 2':'d'}"));
    }

    @Test
    void metadataKeysOutsideThePatternAreRejected() {
        for (String key : new String[] {"k!", "", "k".repeat(256)}) {
            Reply reply = create(json("{'volume_id':'%s','metadata':{'%s':'v'}}", volume, key));
            assertThat(reply.status()).as(key).isEqualTo(400);
            assertThat(reply.message())
                    .as(key)
                    .isEqualTo("Invalid input for field/attribute metadata. Value: {'" + key
                            + "': 'v'}. Additional properties are not allowed ('" + key + "' was unexpected)");
        }
    }

    @Test
    void metadataValuesAreStringsOfAtMost255Characters() {
        assertFault(
                create(json("{'volume_id':'%s','metadata':{'k':1}}", volume)),
                400,
                "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'");
        String value = "v".repeat(256);
        assertFault(
                create(json("{'volume_id':'%s','metadata':{'k':'%s'}}", volume, value)),
                400,
                "Invalid input for field/attribute k. Value: " + value + ". '" + value + "' is too long");
        assertThat(create(json("{'volume_id':'%s','metadata':null}", volume))
                        .json()
                        .at("/snapshot/metadata")
                        .toString())
                .isEqualTo("{}");
    }

    @Test
    void createAnswers202WithTheDetailViewInCreatingAndTheWorkerMakesItAvailable() {
        Reply reply = create(json("{'volume_id':'%s','name':'n','metadata':{'k':'v'}}", volume));
        assertThat(reply.status()).isEqualTo(202);
        JsonNode snapshot = reply.json().get("snapshot");
        // At 3.0 exactly the nine summary keys: Tempest's schema has additionalProperties false.
        assertThat(snapshot.propertyNames())
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
        assertThat(snapshot.get("status").asString()).isEqualTo("creating");
        assertThat(snapshot.get("size").intValue()).isEqualTo(1);
        assertThat(snapshot.get("volume_id").asString()).isEqualTo(volume);
        assertThat(snapshot.get("created_at").asString()).matches(TIMESTAMP);
        assertThat(snapshot.get("updated_at").isNull()).isTrue();
        JsonNode done = SnapshotFixture.await(
                admin, "/snapshots/" + snapshot.get("id").asString(), "/snapshot/status", "available");
        assertThat(done.get("snapshot")
                        .get("os-extended-snapshot-attributes:progress")
                        .asString())
                .isEqualTo("100%");
        assertThat(done.at("/snapshot/updated_at").asString()).matches(TIMESTAMP);
    }

    @Test
    void aReaderMayNotCreate() {
        assertFault(
                create(SnapshotFixture.reader(server), json("{'volume_id':'%s'}", volume)),
                403,
                "Policy doesn't allow volume:create_snapshot to be performed.");
    }

    @Test
    void theSnapshotBelongsToTheCallersProjectAndUser() {
        // An admin may snapshot another project's volume; Cinder files the snapshot under the caller.
        Client otherAdmin = server.as(SnapshotFixture.OTHER_USER, SnapshotFixture.OTHER_PROJECT);
        Reply reply = otherAdmin.version("3.41").post("/snapshots", json("{'snapshot':{'volume_id':'%s'}}", volume));
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().at("/snapshot/user_id").asString()).isEqualTo(SnapshotFixture.OTHER_USER);
        JsonNode shown =
                SnapshotFixture.show(admin, reply.json().at("/snapshot/id").asString());
        assertThat(shown.get("os-extended-snapshot-attributes:project_id").asString())
                .isEqualTo(SnapshotFixture.OTHER_PROJECT);
    }
}
