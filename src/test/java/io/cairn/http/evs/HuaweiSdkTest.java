package io.cairn.http.evs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.huaweicloud.sdk.core.auth.AKSKSigner;
import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.exception.ClientRequestException;
import com.huaweicloud.sdk.core.http.HttpConfig;
import com.huaweicloud.sdk.core.http.HttpMethod;
import com.huaweicloud.sdk.evs.v2.EvsClient;
import com.huaweicloud.sdk.evs.v2.model.CreateSnapshotOption;
import com.huaweicloud.sdk.evs.v2.model.CreateSnapshotRequest;
import com.huaweicloud.sdk.evs.v2.model.CreateSnapshotRequestBody;
import com.huaweicloud.sdk.evs.v2.model.DeleteSnapshotRequest;
import com.huaweicloud.sdk.evs.v2.model.ListSnapshotsRequest;
import com.huaweicloud.sdk.evs.v2.model.ListSnapshotsResponse;
import com.huaweicloud.sdk.evs.v2.model.RollbackSnapshotOption;
import com.huaweicloud.sdk.evs.v2.model.RollbackSnapshotRequest;
import com.huaweicloud.sdk.evs.v2.model.RollbackSnapshotRequestBody;
import com.huaweicloud.sdk.evs.v2.model.RollbackSnapshotResponse;
import com.huaweicloud.sdk.evs.v2.model.ShowSnapshotRequest;
import com.huaweicloud.sdk.evs.v2.model.SnapshotDetails;
import com.huaweicloud.sdk.evs.v2.model.SnapshotList;
import com.huaweicloud.sdk.evs.v2.model.UpdateSnapshotOption;
import com.huaweicloud.sdk.evs.v2.model.UpdateSnapshotRequest;
import com.huaweicloud.sdk.evs.v2.model.UpdateSnapshotRequestBody;
import io.cairn.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Huawei Cloud's Java SDK, signing with AK/SK, drives Cairn's EVS API as it would drive EVS. */
class HuaweiSdkTest {
    private static final String PROJECT = "5d6c7b8a99e0f1a2b3c4d5e6f7a8b9c0";

    @TempDir
    static Path dir;

    static TestServer server;
    static EvsFixture.Credential credential;
    static EvsClient evs;

    @BeforeAll
    static void start() throws Exception {
        server = EvsFixture.start(dir, Map.of());
        credential = EvsFixture.createAccessKey(dir, PROJECT);
        evs = EvsClient.newBuilder()
                .withCredential(new BasicCredentials()
                        .withAk(credential.access())
                        .withSk(credential.secret())
                        .withProjectId(PROJECT))
                .withHttpConfig(HttpConfig.getDefaultHttpConfig())
                .withEndpoint(server.baseUrl())
                .build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theSdkManagesSnapshotsEndToEnd() {
        String volume = EvsFixture.availableVolume(server.as("setup", PROJECT), 1);

        SnapshotDetails created = evs.createSnapshot(new CreateSnapshotRequest()
                        .withBody(new CreateSnapshotRequestBody()
                                .withSnapshot(new CreateSnapshotOption()
                                        .withVolumeId(volume)
                                        .withName("sdk-a")
                                        .withDescription("first")
                                        .withMetadata(Map.of("__system__enableActive", "true")))))
                .getSnapshot();
        assertThat(created.getStatus()).isEqualTo("creating");
        awaitStatus(created.getId(), "available");
        String second = evs.createSnapshot(new CreateSnapshotRequest()
                        .withBody(new CreateSnapshotRequestBody()
                                .withSnapshot(new CreateSnapshotOption()
                                        .withVolumeId(volume)
                                        .withName("sdk-b"))))
                .getSnapshot()
                .getId();
        awaitStatus(second, "available");

        ListSnapshotsResponse firstPage = evs.listSnapshots(
                new ListSnapshotsRequest().withVolumeId(volume).withLimit(1));
        assertThat(firstPage.getCount()).isEqualTo(2);
        assertThat(firstPage.getSnapshots()).extracting(SnapshotList::getId).containsExactly(second);
        assertThat(firstPage.getSnapshotsLinks()).hasSize(1);
        ListSnapshotsResponse secondPage = evs.listSnapshots(
                new ListSnapshotsRequest().withVolumeId(volume).withLimit(1).withOffset(1));
        assertThat(secondPage.getSnapshots()).extracting(SnapshotList::getId).containsExactly(created.getId());
        assertThat(evs.listSnapshots(
                                new ListSnapshotsRequest().withName("sdk-a").withStatus("available"))
                        .getSnapshots())
                .extracting(SnapshotList::getId)
                .containsExactly(created.getId());

        SnapshotDetails shown = evs.showSnapshot(new ShowSnapshotRequest().withSnapshotId(created.getId()))
                .getSnapshot();
        assertThat(shown.getName()).isEqualTo("sdk-a");
        assertThat(shown.getMetadata()).isEqualTo(Map.of("__system__enableActive", "true"));
        assertThat(shown.getOsExtendedSnapshotAttributesProjectId()).isEqualTo(PROJECT);

        SnapshotDetails renamed = evs.updateSnapshot(new UpdateSnapshotRequest()
                        .withSnapshotId(created.getId())
                        .withBody(new UpdateSnapshotRequestBody()
                                .withSnapshot(new UpdateSnapshotOption().withName("sdk-renamed"))))
                .getSnapshot();
        assertThat(renamed.getName()).isEqualTo("sdk-renamed");

        RollbackSnapshotResponse rollback = evs.rollbackSnapshot(new RollbackSnapshotRequest()
                .withSnapshotId(created.getId())
                .withBody(new RollbackSnapshotRequestBody()
                        .withRollback(new RollbackSnapshotOption().withVolumeId(volume))));
        assertThat(rollback.getRollback().getVolumeId()).isEqualTo(volume);
        awaitStatus(created.getId(), "available");
        server.as("setup", PROJECT).await("/volumes/" + volume, "/volume/status", "available");

        evs.deleteSnapshot(new DeleteSnapshotRequest().withSnapshotId(second));
        awaitGone(second);
    }

    @Test
    void theSdkSeesEvsErrorCodes() {
        assertThatThrownBy(() -> evs.showSnapshot(
                        new ShowSnapshotRequest().withSnapshotId("6cd26877-3ca3-4f4e-ae2a-38cc3d6183fa")))
                .isInstanceOfSatisfying(ClientRequestException.class, e -> {
                    assertThat(e.getHttpStatusCode()).isEqualTo(404);
                    assertThat(e.getErrorCode()).isEqualTo("EVS.5404");
                    assertThat(e.getRequestId()).startsWith("req-");
                });
    }

    @Test
    void theSdkCoreSignsACinderStyleRequest() throws Exception {
        String volume = EvsFixture.availableVolume(server.as("setup", PROJECT), 1);
        server.as("setup", PROJECT)
                .post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\",\"name\":\"cinder-style\"}}");
        com.huaweicloud.sdk.core.http.HttpRequest request = com.huaweicloud.sdk.core.http.HttpRequest.newBuilder()
                .withMethod(HttpMethod.GET)
                .withEndpoint(server.baseUrl())
                .withPath("/v3/" + PROJECT + "/snapshots/detail")
                .addQueryParam("name", List.of("cinder-style"))
                .addHeader("X-Project-Id", PROJECT)
                .withContentType("application/json")
                .build();
        Map<String, String> signed = AKSKSigner.getInstance()
                .sign(
                        request,
                        new BasicCredentials()
                                .withAk(credential.access())
                                .withSk(credential.secret())
                                .withProjectId(PROJECT));

        HttpRequest.Builder send = HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/v3/" + PROJECT + "/snapshots/detail?name=cinder-style"))
                .header("X-Project-Id", PROJECT)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30));
        signed.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Host")) { // the HTTP client sends the same Host itself
                send.header(name, value);
            }
        });
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(send.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JsonMapper.builder().build().readTree(response.body());
        assertThat(body.get("snapshots"))
                .extracting(s -> s.get("name").asString())
                .containsExactly("cinder-style");
    }

    /** Polls through the SDK a second apart: the same signed request within one second would be a replay. */
    private static void awaitStatus(String id, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = evs.showSnapshot(new ShowSnapshotRequest().withSnapshotId(id))
                    .getSnapshot()
                    .getStatus();
            if (status.equals(last)) {
                return;
            }
            pause();
        }
        throw new AssertionError("snapshot " + id + " never became " + status + "; last " + last);
    }

    private static void awaitGone(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                evs.showSnapshot(new ShowSnapshotRequest().withSnapshotId(id));
            } catch (ClientRequestException e) {
                if (e.getHttpStatusCode() == 404) {
                    return;
                }
                throw e;
            }
            pause();
        }
        throw new AssertionError("snapshot " + id + " never went away");
    }

    private static void pause() {
        try {
            Thread.sleep(1100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
