package io.cairn.http;

import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A create over quota (contract §3 "Then", §6): 413 overLimit with Retry-After, in Cinder's words. */
class SnapshotQuotaContractTest {
    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = SnapshotFixture.start(
                dataDir, Map.of("quota-snapshots", "1", "quota-gigabytes", "3", "quota-volumes", "10"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aSnapshotOverTheSnapshotsQuotaIs413WithRetryAfter() {
        Client member = server.as("a1", "aaaa0000aaaa0000aaaa0000aaaa0001", "member", "reader");
        String volume = SnapshotFixture.volume(member, 1);
        assertThat(member.post("/snapshots", json("{'snapshot':{'volume_id':'%s'}}", volume))
                        .status())
                .isEqualTo(202);

        Reply reply = member.post("/snapshots", json("{'snapshot':{'volume_id':'%s'}}", volume));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.header("Retry-After")).isEqualTo("0");
        // The whole body, key order included; the message names the exception class, as Cinder's does.
        assertThat(reply.json().toString())
                .isEqualTo(
                        json(
                                "{'overLimit':{'code':413,"
                                        + "'message':'SnapshotLimitExceeded: Maximum number of snapshots allowed (1) exceeded','retryAfter':'0'}}"));
    }

    @Test
    void aSnapshotOverTheGigabytesQuotaIs413WithRetryAfter() {
        // Snapshots count against the gigabytes the project's volumes use: a 2 GiB volume leaves 1 of 3.
        Client member = server.as("b1", "bbbb0000bbbb0000bbbb0000bbbb0001", "member", "reader");
        String volume = SnapshotFixture.volume(member, 2);

        Reply reply = member.post("/snapshots", json("{'snapshot':{'volume_id':'%s'}}", volume));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.header("Retry-After")).isEqualTo("0");
        assertThat(reply.json().toString())
                .isEqualTo(json("{'overLimit':{'code':413,"
                        + "'message':'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. "
                        + "Requested 2G, quota is 3G and 2G has been consumed.','retryAfter':'0'}}"));
    }
}
