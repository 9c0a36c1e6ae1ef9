package io.cairn.http;

import static io.cairn.http.SnapshotFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestPostgres;
import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes on one PostgreSQL: what node B writes, node A's next read shows, though A kept the row's views from
 * before. Nothing tells A; the row version that B's write changed does.
 */
class RenderedViewTwoNodesTest {
    @TempDir
    Path work;

    private TestServer node(String url, String name) throws Exception {
        return TestServer.start(
                Files.createDirectories(work.resolve(name)),
                Map.of(
                        "db-url",
                        url,
                        "db-user",
                        TestPostgres.USER,
                        "node",
                        name,
                        "quota-snapshots",
                        "-1",
                        "quota-volumes",
                        "-1",
                        "quota-gigabytes",
                        "-1"));
    }

    /** Show and the detail list on one node, twice each (the second read is the kept view). */
    private static JsonNode[] read(Client client, String collection, String id) {
        String item = collection.substring(0, collection.length() - 1);
        JsonNode[] views = new JsonNode[4];
        for (int i = 0; i < 2; i++) {
            views[2 * i] = client.get("/" + collection + "/" + id).json().get(item);
            for (JsonNode entry :
                    client.get("/" + collection + "/detail").json().get(collection)) {
                if (entry.get("id").asString().equals(id)) {
                    views[2 * i + 1] = entry;
                }
            }
        }
        return views;
    }

    @Test
    void nodeBsWritesShowInNodeAsNextRead() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        try (TestServer a = node(url, "node1");
                TestServer b = node(url, "node2")) {
            Client onA = SnapshotFixture.admin(a);
            Client onB = SnapshotFixture.admin(b);
            String volume = SnapshotFixture.volume(onA, 1);
            String snapshot = SnapshotFixture.snapshot(onA, volume);
            for (JsonNode view : read(onA, "snapshots", snapshot)) {
                assertThat(view.get("name").isNull()).isTrue();
            }
            for (JsonNode view : read(onA, "volumes", volume)) {
                assertThat(view.get("name").isNull()).isTrue();
            }

            assertThat(onB.put("/snapshots/" + snapshot, json("{'snapshot':{'name':'from-b'}}"))
                            .status())
                    .isEqualTo(200);
            assertThat(onB.post("/snapshots/" + snapshot + "/metadata", json("{'metadata':{'node':'b'}}"))
                            .status())
                    .isEqualTo(200);
            assertThat(onB.put("/volumes/" + volume, json("{'volume':{'name':'volume-from-b'}}"))
                            .status())
                    .isEqualTo(200);
            assertThat(onB.post("/volumes/" + volume + "/metadata", json("{'metadata':{'node':'b'}}"))
                            .status())
                    .isEqualTo(200);

            for (JsonNode view : read(onA, "snapshots", snapshot)) {
                assertThat(view.get("name").asString()).isEqualTo("from-b");
                assertThat(view.at("/metadata/node").asString()).isEqualTo("b");
            }
            for (JsonNode view : read(onA, "volumes", volume)) {
                assertThat(view.get("name").asString()).isEqualTo("volume-from-b");
                assertThat(view.at("/metadata/node").asString()).isEqualTo("b");
            }

            assertThat(onB.delete("/snapshots/" + snapshot + "/metadata/node").status())
                    .isEqualTo(200);
            for (JsonNode view : read(onA, "snapshots", snapshot)) {
                assertThat(view.get("metadata").has("node")).isFalse();
            }
        }
    }
}
