package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.TestPostgres;
import io.cairn.TestServer;
import io.cairn.engine.nbd.PresharedKey;
import io.cairn.engine.nbd.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL sharing a secret-key, each with its own local engine: an NBD identity issued anywhere is
 * accepted by every node's NBD server (each listing the volumes it holds) and revoked on all at once, and hosts asking
 * both nodes at once for a volume's connection get one identity.
 */
class NbdTlsTwoNodesTest {
    private static final String PROJECT = "7e6d5c4b3a2948f7a6b5c4d3e2f1a0b9";
    private static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final String ONE_GIB = "{\"volume\":{\"size\":1}}";

    @TempDir
    Path work;

    @Test
    void everyNodeAcceptsAnIdentityUntilItIsRevokedAndRacingConnectionsGetOne() throws Exception {
        Assumptions.assumeTrue(Tools.installed(), Tools.MISSING);
        String url = TestPostgres.newDatabaseUrl();
        try (TestServer first = node(url, "node1");
                TestServer second = node(url, "node2")) {
            TestServer.Client onFirst = first.as("alice", PROJECT);
            TestServer.Client onSecond = second.as("alice", PROJECT);
            String volume = VolumeApiTest.createVolume(onFirst, ONE_GIB);
            String onSecondsEngine = VolumeApiTest.createVolume(onSecond, ONE_GIB);

            Path pskFile = work.resolve("keys.psk");
            PresharedKey key = first.issueNbdCredential(pskFile, "--project", PROJECT);
            assertThat(Tools.nbdinfo("--list", Tools.tlsUri(first.nbdPort(), "", key.identity(), pskFile)))
                    .contains(volume)
                    .doesNotContain(onSecondsEngine);
            assertThat(Tools.nbdinfo("--list", Tools.tlsUri(second.nbdPort(), "", key.identity(), pskFile)))
                    .as("each node exports the volumes its engine holds")
                    .contains(onSecondsEngine)
                    .doesNotContain(volume);
            second.revokeNbdCredential(key.identity());
            for (TestServer node : List.of(first, second)) {
                assertThatThrownBy(() ->
                                Tools.nbdinfo("--list", Tools.tlsUri(node.nbdPort(), "", key.identity(), pskFile)))
                        .isInstanceOf(IOException.class);
            }

            String connector = "{\"os-initialize_connection\":{\"connector\":{\"host\":\"compute-9\"}}}";
            List<CompletableFuture<String>> racing = IntStream.range(0, 8)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> (i % 2 == 0 ? onFirst : onSecond)
                            .post("/volumes/" + volume + "/action", connector)
                            .json()
                            .at("/connection_info/data/tls_psk_identity")
                            .asString()))
                    .toList();
            Set<String> identities =
                    racing.stream().map(CompletableFuture::join).collect(Collectors.toSet());
            assertThat(identities).hasSize(1);
            try (Connection db = DriverManager.getConnection(url, TestPostgres.USER, null);
                    Statement statement = db.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "select count(*) from nbd_credentials where volume_id = '" + volume + "'")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
        }
    }

    private TestServer node(String url, String name) throws Exception {
        return TestServer.start(
                Files.createDirectories(work.resolve(name)),
                Map.of(
                        "db-url", url,
                        "db-user", TestPostgres.USER,
                        "node", name,
                        "nbd-tls", "required",
                        "secret-key", SECRET_KEY));
    }
}
