package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group and group snapshot lists over HTTP: Cinder's paging, sorting and filters as its group controllers read
 * them, which differ from the volume API's (all_tenants by presence, no with_count, group snapshots paging from
 * 3.29, links under group_links and group_snapshot_links).
 */
class GroupListTest {
    private static final String PROJECT = "1a2b3c4d5e6f40718293a4b5c6d7e8f9";
    private static final String OTHER = "2b3c4d5e6f7a40718293a4b5c6d7e8f9";
    private static final String DEFAULT_TYPE = "3c8d6d7e-0c2a-4b6e-9a51-6f0d7b1a2c11";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Client admin;
    static Client member;
    static List<String> groups;
    static String otherGroup;
    static List<String> groupSnapshots;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                dataDir, Map.of("quota-volumes", "-1", "quota-snapshots", "-1", "quota-gigabytes", "-1"));
        admin = server.as("boss", PROJECT).version("3.64");
        member = server.as("alice", PROJECT, "member", "reader").version("3.64");
        Reply type = admin.post("/group_types", "{\"group_type\":{\"name\":\"gt-lists\"}}");
        String typeId = type.json().at("/group_type/id").asString();
        groups = List.of(group(member, typeId, "g1"), group(member, typeId, "g2"), group(member, typeId, "g3"));
        otherGroup = group(server.as("eve", OTHER, "member", "reader").version("3.64"), typeId, "g-other");
        String first = groups.getFirst();
        volumeIn(first);
        groupSnapshots = List.of(groupSnapshot(first, "s1"), groupSnapshot(first, "s2"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void groupsPageNewestFirstWithNextLinksUnderGroupLinks() {
        Reply page = member.get("/groups?limit=2");
        assertThat(ids(page, "groups")).containsExactly(groups.get(2), groups.get(1));
        String next = page.json().at("/group_links/0/href").asString();
        assertThat(next).endsWith("/v3/" + PROJECT + "/groups?limit=2&marker=" + groups.get(1));
        assertThat(page.json().has("groups_links")).isFalse();

        Reply last = member.get("/groups?limit=2&marker=" + groups.get(1));
        assertThat(ids(last, "groups")).containsExactly(groups.getFirst());
        assertThat(last.json().has("group_links")).isFalse();

        Reply detail = member.get("/groups/detail?limit=1&list_volume=true");
        assertThat(ids(detail, "groups")).containsExactly(groups.get(2));
        assertThat(detail.json().at("/groups/0/volumes").isArray())
                .as("list_volume shapes the view")
                .isTrue();
        assertThat(detail.json().at("/group_links/0/href").asString())
                .as("Cinder links the detail list to groups")
                .contains("/v3/" + PROJECT + "/groups?limit=1&list_volume=true&marker=");

        assertThat(ids(member.get("/groups?sort=name:asc"), "groups")).containsExactlyElementsOf(groups);
        assertThat(ids(member.get("/groups?sort_key=name&sort_dir=asc&offset=1"), "groups"))
                .containsExactly(groups.get(1), groups.get(2));
        assertThat(ids(member.get("/groups?name=g2"), "groups")).containsExactly(groups.get(1));

        Reply unknownMarker = member.get("/groups?marker=00000000-0000-4000-8000-000000000000");
        assertThat(unknownMarker.status()).isEqualTo(404);
        assertThat(unknownMarker.message()).isEqualTo("Group 00000000-0000-4000-8000-000000000000 could not be found.");
        assertThat(member.get("/groups?sort=colour").message()).isEqualTo("Invalid input received: Invalid sort key");
    }

    @Test
    void groupFiltersFollowTheGroupControllersRules() {
        Reply status = member.get("/groups?status=available");
        assertThat(status.status()).isEqualTo(400);
        assertThat(status.message()).isEqualTo("Invalid filters status are found in query options.");
        assertThat(ids(member.version("3.30").get("/groups?status=available"), "groups"))
                .as("before 3.31 every filter reaches the store")
                .containsExactlyInAnyOrderElementsOf(groups);
        assertThat(ids(member.version("3.30").get("/groups?colour=red"), "groups"))
                .as("no column matches")
                .isEmpty();

        assertThat(member.get("/groups?with_count=true").message())
                .as("groups have no count")
                .isEqualTo("Invalid filters with_count are found in query options.");
        Reply adminCount = admin.get("/groups?with_count=true");
        assertThat(ids(adminCount, "groups")).isEmpty();
        assertThat(adminCount.json().has("count")).isFalse();

        assertThat(ids(admin.get("/groups?all_tenants=0"), "groups"))
                .as("an admin's all_tenants counts by its presence")
                .contains(otherGroup)
                .containsAll(groups);
        assertThat(ids(admin.get("/groups"), "groups")).doesNotContain(otherGroup);
        assertThat(ids(member.get("/groups?all_tenants=1"), "groups"))
                .as("a member's all_tenants is dropped from 3.31")
                .containsExactlyInAnyOrderElementsOf(groups);
        assertThat(ids(member.version("3.30").get("/groups?all_tenants=1"), "groups"))
                .as("and before 3.31 is a filter no column matches")
                .isEmpty();
    }

    @Test
    void groupSnapshotsPageAndFilterFrom329Only() {
        Reply page = member.get("/group_snapshots?limit=1");
        assertThat(ids(page, "group_snapshots")).containsExactly(groupSnapshots.get(1));
        assertThat(page.json().at("/group_snapshots/0").has("group_type_id"))
                .as("a list's summary drops the group type")
                .isFalse();
        assertThat(page.json().at("/group_snapshot_links/0/href").asString())
                .endsWith("/v3/" + PROJECT + "/group_snapshots?limit=1&marker=" + groupSnapshots.get(1));
        assertThat(ids(member.get("/group_snapshots/detail?sort=name:asc"), "group_snapshots"))
                .containsExactlyElementsOf(groupSnapshots);
        assertThat(ids(member.get("/group_snapshots?name=s1&group_id=" + groups.getFirst()), "group_snapshots"))
                .containsExactly(groupSnapshots.getFirst());
        assertThat(ids(member.get("/group_snapshots?group_id=" + groups.get(1)), "group_snapshots"))
                .isEmpty();
        assertThat(member.get("/group_snapshots?group_type_id=x").message())
                .isEqualTo("Invalid filters group_type_id are found in query options.");

        Reply before = member.version("3.28").get("/group_snapshots?limit=1&name=s1&marker=nonsense");
        assertThat(before.status()).isEqualTo(200);
        assertThat(ids(before, "group_snapshots"))
                .as("before 3.29 no parameter is read")
                .containsExactly(groupSnapshots.get(1), groupSnapshots.getFirst());
        assertThat(member.get("/group_snapshots?marker=00000000-0000-4000-8000-000000000000")
                        .message())
                .isEqualTo("GroupSnapshot 00000000-0000-4000-8000-000000000000 could not be found.");
    }

    private static List<String> ids(Reply reply, String collection) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json()
                .get(collection)
                .valueStream()
                .map(item -> item.get("id").asString())
                .toList();
    }

    private static String group(Client client, String type, String name) {
        Reply reply = client.post(
                "/groups",
                "{\"group\":{\"name\":\"" + name + "\",\"group_type\":\"" + type + "\",\"volume_types\":[\""
                        + DEFAULT_TYPE + "\"]}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/group/id").asString();
        client.await("/groups/" + id, "/group/status", "available");
        return id;
    }

    private static void volumeIn(String group) {
        Reply reply = member.post("/volumes", "{\"volume\":{\"size\":1,\"group_id\":\"" + group + "\"}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        member.await("/volumes/" + reply.json().at("/volume/id").asString(), "/volume/status", "available");
    }

    private static String groupSnapshot(String group, String name) {
        Reply reply = member.post(
                "/group_snapshots", "{\"group_snapshot\":{\"group_id\":\"" + group + "\",\"name\":\"" + name + "\"}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/group_snapshot/id").asString();
        member.await("/group_snapshots/" + id, "/group_snapshot/status", "available");
        return id;
    }
}
