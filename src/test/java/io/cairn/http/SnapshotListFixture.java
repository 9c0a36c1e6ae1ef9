package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the snapshot list tests share: seeding through the HTTP API (volumes, then snapshots, then waiting for
 * them to become available), walking pages by following the {@code snapshots_links} a response hands out,
 * and computing the order Cinder's sort rules promise.
 */
final class SnapshotListFixture {
    /** Project ids are hex, as Cinder's routes require of the URL's project segment. */
    static final String PROJECT = "5c0ffee05c0ffee05c0ffee05c0ffee0";

    static final String OTHER_PROJECT = "0ddba110ddba110ddba110ddba110dd0";
    static final JsonMapper JSON = JsonMapper.builder().build();

    private SnapshotListFixture() {}

    /** Creates a volume and waits until it is available; returns its id. */
    static String createVolume(Client client, int size) {
        Reply reply = client.post("/volumes", "{\"volume\":{\"size\":" + size + "}}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        String id = reply.json().at("/volume/id").asString();
        awaitStatus(client, "/volumes/" + id, "/volume/status", "available");
        return id;
    }

    /** Creates a snapshot (not waiting for it); returns the created detail view. A null name is sent as JSON null. */
    static JsonNode createSnapshot(Client client, String volumeId, String name, Map<String, String> metadata) {
        return createSnapshot(client, volumeId, name, null, metadata);
    }

    static JsonNode createSnapshot(
            Client client, String volumeId, String name, String description, Map<String, String> metadata) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("volume_id", volumeId);
        snapshot.put("name", name);
        snapshot.put("description", description);
        snapshot.put("metadata", metadata);
        Reply reply = client.post("/snapshots", JSON.writeValueAsString(Map.of("snapshot", snapshot)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.json().get("snapshot");
    }

    /** Waits until no snapshot of any project is still creating. */
    static void awaitSnapshotsAvailable(Client admin) {
        awaitStatus(admin, "/snapshots?all_tenants=1&status=creating&limit=1", "/snapshots/0/status", null);
    }

    private static void awaitStatus(Client client, String path, String pointer, String expected) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            JsonNode value = client.get(path).json().at(pointer);
            if (expected == null ? value.isMissingNode() : expected.equals(value.asString())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("%s still shows %s", path, value);
            }
            sleep(20);
        }
    }

    static void resetStatus(Client admin, String snapshotId, String status) {
        action(admin, snapshotId, "{\"os-reset_status\":{\"status\":\"" + status + "\"}}");
    }

    /** Puts an available snapshot back to creating at the given progress (reset, then a member's status update). */
    static void setProgress(Client admin, String snapshotId, String progress) {
        resetStatus(admin, snapshotId, "creating");
        action(
                admin,
                snapshotId,
                "{\"os-update_snapshot_status\":{\"status\":\"creating\",\"progress\":\"" + progress + "\"}}");
    }

    private static void action(Client client, String snapshotId, String body) {
        Reply reply = client.post("/snapshots/" + snapshotId + "/action", body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
    }

    static void rename(Client client, String snapshotId, String name) {
        Reply reply = client.put(
                "/snapshots/" + snapshotId, JSON.writeValueAsString(Map.of("snapshot", Map.of("name", name))));
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    }

    /** A query string from name-value pairs, each encoded as a client would. */
    static String query(String... namesAndValues) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            query.append(i == 0 ? "?" : "&")
                    .append(encode(namesAndValues[i]))
                    .append('=')
                    .append(encode(namesAndValues[i + 1]));
        }
        return query.toString();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** One response of a walk: its snapshots' ids, its next href (if any), and the whole body. */
    record Page(List<String> ids, Optional<String> next, JsonNode body) {}

    /** Requests {@code path}, then every next href exactly as handed out, until a page has no next link. */
    static List<Page> walk(Client client, String path) {
        List<Page> pages = new ArrayList<>();
        Reply reply = client.get(path);
        while (true) {
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            Page page = page(reply.json());
            pages.add(page);
            if (page.next().isEmpty()) {
                return pages;
            }
            assertThat(pages).as("pages before the walk ends").hasSizeLessThan(5000);
            reply = follow(client, page.next().get());
        }
    }

    static Page page(JsonNode body) {
        List<String> ids = ids(body);
        JsonNode links = body.path("snapshots_links");
        Optional<String> next = Optional.empty();
        if (!links.isMissingNode()) {
            assertThat(links.size()).as("links are a single next link").isEqualTo(1);
            assertThat(links.get(0).propertyNames()).containsExactlyInAnyOrder("rel", "href");
            assertThat(links.get(0).get("rel").asString()).isEqualTo("next");
            next = Optional.of(links.get(0).get("href").asString());
        }
        return new Page(ids, next, body);
    }

    /** Requests an href exactly as the server wrote it (it must point back at this server). */
    static Reply follow(Client client, String href) {
        String base = client.server().baseUrl();
        assertThat(href).startsWith(base + "/v3/");
        return client.send("GET", "/" + href.substring(base.length()), null, null);
    }

    static List<String> ids(JsonNode body) {
        return StreamSupport.stream(body.get("snapshots").spliterator(), false)
                .map(s -> s.get("id").asString())
                .toList();
    }

    static List<String> allIds(List<Page> pages) {
        return pages.stream().flatMap(p -> p.ids().stream()).toList();
    }

    /** A sort key as the test reads it from a detail view: the JSON field and whether it is a number. */
    record Key(String field, boolean numeric) {
        Comparable<?> value(JsonNode snapshot) {
            JsonNode node = snapshot.path(field);
            if (node.isMissingNode() || node.isNull()) {
                return null;
            }
            return numeric ? (Comparable<?>) node.asLong() : node.asString();
        }
    }

    static final Key ID = new Key("id", false);
    static final Key CREATED_AT = new Key("created_at", false);

    /**
     * Cinder's order for keys with directions: NULL lowest, then {@code created_at} and {@code id} appended
     * (unless already there) in the first key's direction, so the order is total.
     */
    static Comparator<JsonNode> order(List<Key> keys, List<Boolean> ascending) {
        List<Key> all = new ArrayList<>(keys);
        List<Boolean> directions = new ArrayList<>(ascending);
        for (Key key : List.of(CREATED_AT, ID)) {
            if (!all.contains(key)) {
                all.add(key);
                directions.add(ascending.get(0));
            }
        }
        List<Comparator<JsonNode>> comparators = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Comparator<JsonNode> byKey =
                    Comparator.comparing(valueOf(all.get(i)), Comparator.nullsFirst(Comparator.naturalOrder()));
            comparators.add(directions.get(i) ? byKey : byKey.reversed());
        }
        return comparators.stream().reduce(Comparator::thenComparing).orElseThrow();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Function<JsonNode, Comparable<Object>> valueOf(Key key) {
        return snapshot -> (Comparable) key.value(snapshot);
    }

    static List<String> sortedIds(List<JsonNode> snapshots, Comparator<JsonNode> order) {
        return snapshots.stream().sorted(order).map(s -> s.get("id").asString()).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
