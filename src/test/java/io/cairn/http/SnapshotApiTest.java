package io.cairn.http;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up the snapshot API test classes share: one server per class, an admin and a member of the same
 * project, and an available volume of the member's to take snapshots of.
 */
abstract class SnapshotApiTest {
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
        volume = SnapshotFixture.volume(member, 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }
}
