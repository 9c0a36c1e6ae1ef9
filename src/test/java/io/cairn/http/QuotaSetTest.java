package io.cairn.http;

import static io.cairn.http.QuotaTestSupport.availableVolume;
import static io.cairn.http.QuotaTestSupport.setQuota;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The os-quota-sets API with Cinder's defaults: shapes, key order, policies and every validation message. */
class QuotaSetTest {
    private static final List<String> RESOURCES = List.of(
            "volumes",
            "per_volume_gigabytes",
            "snapshots",
            "gigabytes",
            "backups",
            "backup_gigabytes",
            "volumes___DEFAULT__",
            "gigabytes___DEFAULT__",
            "snapshots___DEFAULT__",
            "groups");
    private static final List<Long> CINDER_DEFAULTS = List.of(10L, -1L, 10L, 1000L, 10L, 1000L, -1L, -1L, -1L, 10L);
    private static final String OWN = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    private static final String OTHER = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";

    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir, Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestServer.Client admin(String project) {
        return server.as("admin", project);
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.propertyNames().forEach(keys::add);
        return keys;
    }

    private static List<String> withId(List<String> keys) {
        List<String> all = new ArrayList<>(keys);
        all.add("id");
        return all;
    }

    private static void assertDefaults(JsonNode quotaSet, String projectId) {
        assertThat(keys(quotaSet)).containsExactlyElementsOf(withId(RESOURCES));
        for (int i = 0; i < RESOURCES.size(); i++) {
            assertThat(quotaSet.get(RESOURCES.get(i)).asLong())
                    .as(RESOURCES.get(i))
                    .isEqualTo(CINDER_DEFAULTS.get(i));
        }
        assertThat(quotaSet.get("id").asString()).isEqualTo(projectId);
    }

    private static void assertBadRequest(TestServer.Reply reply, String message) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        assertThat(reply.json().has("badRequest")).isTrue();
        assertThat(reply.message()).isEqualTo(message);
    }

    private static TestServer.Reply put(String project, String body) {
        return admin(OWN).put("/os-quota-sets/" + project, body);
    }

    @Test
    void anyProjectShowsCinderDefaultsWithTheProjectIdLast() {
        TestServer.Reply reply = admin(OWN).get("/os-quota-sets/c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(keys(reply.json())).containsExactly("quota_set");
        assertDefaults(reply.json().get("quota_set"), "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3");
    }

    @Test
    void projectIdIsNotValidated() {
        TestServer.Reply reply = admin(OWN).get("/os-quota-sets/not-a-project");
        assertThat(reply.status()).isEqualTo(200);
        assertDefaults(reply.json().get("quota_set"), "not-a-project");
    }

    @Test
    void usageShowsLimitInUseAndReservedForEveryResource() {
        String project = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
        availableVolume(admin(project), 2);
        JsonNode quotaSet = admin(project)
                .get("/os-quota-sets/" + project + "?usage=True")
                .json()
                .get("quota_set");
        assertThat(keys(quotaSet)).containsExactlyElementsOf(withId(RESOURCES));
        for (String resource : RESOURCES) {
            assertThat(keys(quotaSet.get(resource))).as(resource).containsExactly("limit", "in_use", "reserved");
            assertThat(quotaSet.get(resource).get("reserved").asLong()).isZero();
        }
        assertThat(quotaSet.get("volumes").get("limit").asLong()).isEqualTo(10);
        assertThat(quotaSet.get("volumes").get("in_use").asLong()).isEqualTo(1);
        assertThat(quotaSet.get("volumes___DEFAULT__").get("in_use").asLong()).isEqualTo(1);
        assertThat(quotaSet.get("gigabytes").get("in_use").asLong()).isEqualTo(2);
        assertThat(quotaSet.get("gigabytes___DEFAULT__").get("in_use").asLong()).isEqualTo(2);
        assertThat(quotaSet.get("per_volume_gigabytes").get("in_use").asLong()).isZero();
        assertThat(quotaSet.get("groups").get("in_use").asLong()).isZero();
        assertThat(quotaSet.get("id").asString()).isEqualTo(project);
    }

    @Test
    void usageFalseShowsPlainLimits() {
        assertDefaults(
                admin(OWN).get("/os-quota-sets/" + OWN + "?usage=0").json().get("quota_set"), OWN);
    }

    @Test
    void usageMustBeABoolean() {
        assertBadRequest(
                admin(OWN).get("/os-quota-sets/" + OWN + "?usage=maybe"),
                "Value 'maybe' for 'usage' is not a boolean.");
    }

    @Test
    void readerOfTheProjectMayShowItsQuotas() {
        assertThat(server.as("u", OWN, "reader").get("/os-quota-sets/" + OWN).status())
                .isEqualTo(200);
        assertThat(server.as("u", OWN, "member")
                        .get("/os-quota-sets/" + OWN + "/defaults")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void nonAdminMayNotShowAnotherProjectsQuotas() {
        for (String path : List.of("/os-quota-sets/" + OTHER, "/os-quota-sets/" + OTHER + "/defaults")) {
            TestServer.Reply reply = server.as("u", OWN, "member", "reader").get(path);
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.json().has("forbidden")).isTrue();
            assertThat(reply.message()).isEqualTo("Policy doesn't allow volume_extension:quotas:show to be performed.");
        }
        assertThat(admin(OWN).get("/os-quota-sets/" + OTHER).status()).isEqualTo(200);
    }

    @Test
    void policyIsCheckedBeforeTheUsageParameter() {
        TestServer.Reply reply = server.as("u", OWN, "reader").get("/os-quota-sets/" + OTHER + "?usage=maybe");
        assertThat(reply.status()).isEqualTo(403);
    }

    @Test
    void defaultsIgnoreTheProjectsOwnLimits() {
        String project = "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5";
        setQuota(server, project, "\"volumes\": 3");
        TestServer.Reply reply = admin(OWN).get("/os-quota-sets/" + project + "/defaults");
        assertThat(reply.status()).isEqualTo(200);
        assertDefaults(reply.json().get("quota_set"), project);
    }

    @Test
    void updateAnswersEveryLimitWithoutTheId() {
        String project = "f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6";
        TestServer.Reply reply = put(
                project,
                "{\"quota_set\":{\"gigabytes\":1001,\"volumes\":\"11\",\"snapshots\":12,\"backups\":13,"
                        + "\"backup_gigabytes\":1002,\"per_volume_gigabytes\":5,\"volumes___DEFAULT__\":7,\"groups\":-1,\"id\":\"ignored\","
                        + "\"tenant_id\":\"ignored\"}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        JsonNode quotaSet = reply.json().get("quota_set");
        assertThat(keys(quotaSet)).containsExactlyElementsOf(RESOURCES);
        assertThat(quotaSet.get("volumes").asLong()).isEqualTo(11);
        assertThat(quotaSet.get("per_volume_gigabytes").asLong()).isEqualTo(5);
        assertThat(quotaSet.get("snapshots").asLong()).isEqualTo(12);
        assertThat(quotaSet.get("gigabytes").asLong()).isEqualTo(1001);
        assertThat(quotaSet.get("backups").asLong()).isEqualTo(13);
        assertThat(quotaSet.get("backup_gigabytes").asLong()).isEqualTo(1002);
        assertThat(quotaSet.get("volumes___DEFAULT__").asLong()).isEqualTo(7);
        assertThat(quotaSet.get("gigabytes___DEFAULT__").asLong()).isEqualTo(-1);
        assertThat(quotaSet.get("groups").asLong()).isEqualTo(-1);

        JsonNode shown = admin(OWN).get("/os-quota-sets/" + project).json().get("quota_set");
        assertThat(shown.get("volumes").asLong()).isEqualTo(11);
        assertThat(shown.get("id").asString()).isEqualTo(project);
    }

    @Test
    void onlyAdminsMayUpdateOrDelete() {
        TestServer.Client member = server.as("u", OWN, "member", "reader");
        TestServer.Reply update = member.put("/os-quota-sets/" + OWN, "{\"quota_set\":{\"volumes\":5}}");
        assertThat(update.status()).isEqualTo(403);
        assertThat(update.message()).isEqualTo("Policy doesn't allow volume_extension:quotas:update to be performed.");
        TestServer.Reply delete = member.delete("/os-quota-sets/" + OWN);
        assertThat(delete.status()).isEqualTo(403);
        assertThat(delete.message()).isEqualTo("Policy doesn't allow volume_extension:quotas:delete to be performed.");
    }

    @Test
    void bodyIsValidatedBeforeThePolicy() {
        TestServer.Reply reply =
                server.as("u", OWN, "member").put("/os-quota-sets/" + OWN, "{\"quota_set\":{\"volumes\":\"x\"}}");
        assertBadRequest(reply, "volumes must be an integer");
    }

    @Test
    void valuesMustBeIntegersFromMinusOneToTheDatabaseMaximum() {
        assertBadRequest(put(OWN, "{\"quota_set\":{\"volumes\":\"abc\"}}"), "volumes must be an integer");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"volumes\":1.5}}"), "volumes must be an integer");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"volumes\":2.0}}"), "volumes must be an integer");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"volumes\":true}}"), "volumes must be an integer");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"volumes\":null}}"), "volumes must be an integer");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"volumes\":[1]}}"), "volumes must be an integer");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"gigabytes\":-2}}"), "gigabytes must be >= -1");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"gigabytes\":2147483648}}"), "gigabytes must be <= 2147483647");
        assertThat(put(OWN, "{\"quota_set\":{\"gigabytes\":2147483647}}").status())
                .isEqualTo(200);
        assertThat(put(OWN, "{\"quota_set\":{\"gigabytes\":\" +1_000 \"}}")
                        .json()
                        .at("/quota_set/gigabytes")
                        .asLong())
                .isEqualTo(1000);
    }

    @Test
    void theFirstBadValueInBodyOrderWinsAndUnknownKeysComeLast() {
        assertBadRequest(put(OWN, "{\"quota_set\":{\"snapshots\":-5,\"volumes\":\"x\"}}"), "snapshots must be >= -1");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"foo\":1,\"volumes\":\"x\"}}"), "volumes must be an integer");
        assertBadRequest(
                put(OWN, "{\"quota_set\":{\"foo\":1,\"volumes\":1,\"bar\":\"x\"}}"),
                "Invalid input received: Bad key(s) in quota set: foo, bar");
        assertBadRequest(
                put(OWN, "{\"quota_set\":{\"volumes_fast\":1}}"),
                "Invalid input received: Bad key(s) in quota set: volumes_fast");
    }

    @Test
    void bodyShapeErrorsUseCindersSchemaMessages() {
        assertBadRequest(put(OWN, "{}"), "'quota_set' is a required property");
        assertBadRequest(
                put(OWN, "{\"quota_set\":{}}"),
                "Invalid input for field/attribute quota_set. Value: {}. {} does not have enough properties");
        assertBadRequest(
                put(OWN, "{\"quota_set\":[]}"),
                "Invalid input for field/attribute quota_set. Value: []. [] is not of type 'object'");
        assertBadRequest(
                put(OWN, "{\"quota_set\":{\"volumes\":1},\"x\":1}"),
                "Additional properties are not allowed ('x' was unexpected)");
        assertBadRequest(put(OWN, "{\"quota_set\":{\"volumes\":\"y\"},\"x\":1}"), "volumes must be an integer");
        assertBadRequest(put(OWN, "[]"), "[] is not of type 'object'");
        assertBadRequest(put(OWN, "{"), "Malformed request body");
    }

    @Test
    void projectIdLongerThan255CharactersIsRefused() {
        assertBadRequest(
                put("a".repeat(256), "{\"quota_set\":{\"volumes\":1}}"),
                "Invalid input received: quota_set_name has 256 characters, more than 255.");
        assertThat(put("a".repeat(255), "{\"quota_set\":{\"volumes\":1}}").status())
                .isEqualTo(200);
    }

    @Test
    void aLimitBelowUsageIsRefusedOnlyWhereTheProjectHasItsOwnLimit() {
        String project = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a";
        TestServer.Client client = admin(project);
        availableVolume(client, 1);
        availableVolume(client, 1);
        assertThat(put(project, "{\"quota_set\":{\"volumes\":0}}").status()).isEqualTo(200);
        assertBadRequest(
                put(project, "{\"quota_set\":{\"volumes\":1}}"),
                "Quota volumes limit must be equal or greater than existing resources. Current usage is 2 and the requested limit is 1.");
        assertThat(put(project, "{\"quota_set\":{\"volumes\":2}}").status()).isEqualTo(200);
        assertThat(put(project, "{\"quota_set\":{\"volumes\":-1}}").status()).isEqualTo(200);
        assertThat(put(project, "{\"quota_set\":{\"per_volume_gigabytes\":0}}").status())
                .isEqualTo(200);
        assertThat(put(project, "{\"quota_set\":{\"per_volume_gigabytes\":0}}").status())
                .isEqualTo(200);
    }

    @Test
    void aRefusedUpdateChangesNothing() {
        String project = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";
        availableVolume(admin(project), 1);
        setQuota(server, project, "\"volumes\": 5, \"snapshots\": 5");
        TestServer.Reply reply = put(project, "{\"quota_set\":{\"snapshots\":3,\"volumes\":0}}");
        assertThat(reply.status()).isEqualTo(400);
        JsonNode shown = admin(OWN).get("/os-quota-sets/" + project).json().get("quota_set");
        assertThat(shown.get("snapshots").asLong()).isEqualTo(5);
        assertThat(shown.get("volumes").asLong()).isEqualTo(5);
    }

    @Test
    void deleteRestoresTheDefaultsAndKeepsUsage() {
        String project = "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c";
        availableVolume(admin(project), 3);
        setQuota(server, project, "\"volumes\": 4, \"gigabytes___DEFAULT__\": 9");
        TestServer.Reply reply = admin(OWN).delete("/os-quota-sets/" + project);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEmpty();
        assertDefaults(admin(OWN).get("/os-quota-sets/" + project).json().get("quota_set"), project);
        assertThat(QuotaTestSupport.inUse(server, project, "gigabytes")).isEqualTo(3);
        assertThat(QuotaTestSupport.inUse(server, project, "volumes___DEFAULT__"))
                .isEqualTo(1);
    }
}
