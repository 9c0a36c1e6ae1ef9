package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** Steps the quota tests share: creating and deleting volumes and snapshots, setting limits, reading usage. */
final class QuotaTestSupport {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private QuotaTestSupport() {}

    /** Creates a volume and waits until it is available; returns its id. */
    static String availableVolume(TestServer.Client client, int size) {
        TestServer.Reply reply = client.post("/volumes", "{\"volume\":{\"size\":" + size + "}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/volume/id").asString();
        await(
                client,
                "/volumes/" + id,
                r -> r.status() == 200
                        && r.json().at("/volume/status").asString().equals("available"));
        return id;
    }

    /** Creates a snapshot of an available volume and waits until it is available; returns its id. */
    static String availableSnapshot(TestServer.Client client, String volumeId) {
        TestServer.Reply reply = client.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volumeId + "\"}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/snapshot/id").asString();
        await(
                client,
                "/snapshots/" + id,
                r -> r.status() == 200
                        && r.json().at("/snapshot/status").asString().equals("available"));
        return id;
    }

    /** Deletes a volume or snapshot ({@code path} like {@code /volumes/<id>}) and waits until its delete task finished. */
    static void deleteAndWait(TestServer.Client client, String path) {
        TestServer.Reply reply = client.delete(path);
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        await(client, path, r -> r.status() == 404);
    }

    static void await(TestServer.Client client, String path, Predicate<TestServer.Reply> done) {
        Instant deadline = Instant.now().plus(PATIENCE);
        TestServer.Reply reply = client.get(path);
        while (!done.test(reply)) {
            assertThat(Instant.now())
                    .as("waiting on %s, last reply %s", path, reply.text())
                    .isBefore(deadline);
            sleep();
            reply = client.get(path);
        }
    }

    /** Sets limits of {@code project} as an admin of it; {@code limits} is the inside of a quota_set object. */
    static void setQuota(TestServer server, String project, String limits) {
        TestServer.Reply reply =
                server.as("admin", project).put("/os-quota-sets/" + project, "{\"quota_set\":{" + limits + "}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    }

    /** The project's quota set with usage, as an admin of it reads it. */
    static JsonNode usage(TestServer server, String project) {
        TestServer.Reply reply = server.as("admin", project).get("/os-quota-sets/" + project + "?usage=true");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json().get("quota_set");
    }

    static long inUse(TestServer server, String project, String resource) {
        return usage(server, project).get(resource).get("in_use").asLong();
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
