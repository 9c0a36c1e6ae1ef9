package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The steps the snapshot contract tests share. Volumes and snapshots are made through the API, so their
 * data exists in the engine; only what no API can reach (a snapshot in a group) is written to the database.
 */
final class SnapshotFixture {
    static final String PROJECT = SampleData.PROJECT;
    static final String USER = SampleData.USER;
    static final String OTHER_PROJECT = SampleData.OTHER_PROJECT;
    static final String OTHER_USER = SampleData.OTHER_USER;
    static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}";

    private SnapshotFixture() {}

    /** A server with unlimited quotas unless {@code settings} say otherwise. */
    static TestServer start(Path dataDir, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(
                Map.of("quota-snapshots", "-1", "quota-volumes", "-1", "quota-gigabytes", "-1", "nbd-port", "0"));
        all.putAll(settings);
        return TestServer.start(dataDir, all);
    }

    static TestServer start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    static Client admin(TestServer server) {
        return server.as(USER, PROJECT);
    }

    static Client member(TestServer server) {
        return server.as(USER, PROJECT, "member", "reader");
    }

    static Client reader(TestServer server) {
        return server.as(USER, PROJECT, "reader");
    }

    /** Single quotes stand for double quotes, to keep JSON in Java strings readable; arguments fill %s and %d. */
    static String json(String text, Object... arguments) {
        return (arguments.length == 0 ? text : String.format(text, arguments)).replace('\'', '"');
    }

    /** A new available volume of {@code size} GiB in the client's project. */
    static String volume(Client client, int size) {
        Reply reply = client.post("/volumes", json("{'volume':{'size':%d}}", size));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/volume/id").asString();
        await(client, "/volumes/" + id, "/volume/status", "available");
        return id;
    }

    /** Attaches the volume (os-attach), the one way the API makes a volume in-use. */
    static void attach(Client client, String volumeId) {
        Reply reply = client.post(
                "/volumes/" + volumeId + "/action",
                json("{'os-attach':{'instance_uuid':'%s','mountpoint':'/dev/vdb'}}", UUID.randomUUID()));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        await(client, "/volumes/" + volumeId, "/volume/status", "in-use");
    }

    /** An admin's os-reset_status of a volume, with the given fields, e.g. {@code 'status':'error'}. */
    static void resetVolume(Client admin, String volumeId, String fields) {
        Reply reply = admin.post("/volumes/" + volumeId + "/action", json("{'os-reset_status':{" + fields + "}}"));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
    }

    /** A new snapshot of the volume, once it is available. */
    static String snapshot(Client client, String volumeId) {
        Reply reply = client.post("/snapshots", json("{'snapshot':{'volume_id':'%s'}}", volumeId));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/snapshot/id").asString();
        await(client, "/snapshots/" + id, "/snapshot/status", "available");
        return id;
    }

    /** A new snapshot moved to {@code status} by an admin's os-reset_status; nothing works on it afterwards. */
    static String snapshotIn(Client admin, String volumeId, String status) {
        String id = snapshot(admin, volumeId);
        resetStatus(admin, id, status);
        return id;
    }

    static void resetStatus(Client admin, String snapshotId, String status) {
        Reply reply =
                admin.post("/snapshots/" + snapshotId + "/action", json("{'os-reset_status':{'status':'%s'}}", status));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
    }

    static JsonNode show(Client client, String snapshotId) {
        Reply reply = client.get("/snapshots/" + snapshotId);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json().get("snapshot");
    }

    /** Polls until the value at {@code pointer} is {@code expected}; the workers finish their tasks quickly. */
    static JsonNode await(Client client, String path, String pointer, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Reply reply = null;
        while (System.nanoTime() < deadline) {
            reply = client.get(path);
            if (reply.status() == 200
                    && expected.equals(reply.json().at(pointer).asString())) {
                return reply.json();
            }
            pause();
        }
        throw new AssertionError(
                path + " never had " + pointer + " = " + expected + "; last: " + (reply == null ? null : reply.text()));
    }

    static void awaitGone(Client client, String path) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (client.get(path).status() == 404) {
                return;
            }
            pause();
        }
        throw new AssertionError(path + " never went away");
    }

    /** Asserts a Cinder fault: the status, the fault name that goes with it, and the whole message. */
    static void assertFault(Reply reply, int status, String message) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        JsonNode fault = reply.json().properties().iterator().next().getValue();
        assertThat(reply.json().propertyNames()).containsExactly(faultName(status));
        assertThat(fault.get("code").intValue()).isEqualTo(status);
        assertThat(fault.get("message").asString()).isEqualTo(message);
    }

    private static String faultName(int status) {
        return switch (status) {
            case 400 -> "badRequest";
            case 403 -> "forbidden";
            case 404 -> "itemNotFound";
            case 413 -> "overLimit";
            case 415 -> "badMediaType";
            default -> "computeFault";
        };
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
