package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.TestCeph;
import io.cairn.TestServer;
import io.cairn.TestServer.Client;
import io.cairn.TestServer.Reply;
import io.cairn.config.CairnConfig;
import io.cairn.config.ConfigException;
import io.cairn.config.Settings;
import io.cairn.domain.SnapshotBlocks;
import io.cairn.engine.nbd.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;

/**
 * The changed-blocks API over real HTTP, with the data written through NBD by qemu-io: listings hold exactly the
 * written blocks (on RBD too, whose images have objects of one block here), every token reads the bytes the model
 * holds, and tokens, pages and snapshots that do not fit the request are refused with a 4xx.
 */
class SnapshotBlocksApiTest {
    private static final String PROJECT = "6b1e0c9d8a7f4e5d9c3b2a1f0e9d8c7b";
    private static final String OTHER_PROJECT = "0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a";
    private static final int BLOCK = SnapshotBlocks.BLOCK_SIZE;
    private static final long GIB = 1L << 30;
    private static final int MIB = 1 << 20;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final boolean ON_RBD = "rbd".equals(System.getProperty("cairn.test.backend"));
    /**
     * On RBD, objects of one block, so that librbd's report of an object created since the older snapshot (from the
     * object's start) stays within the written blocks; the local engine reads no RBD setting. With larger objects
     * listings hold more: {@code RbdObjectSizeTest} shows how much.
     */
    private static final Map<String, String> SETTINGS = Map.of(
            "quota-snapshots", "-1",
            "quota-volumes", "-1",
            "quota-gigabytes", "-1",
            "rbd-object-size", "512K");

    private static Path dataDir;
    private static TestServer server;

    @BeforeContainer
    static void start() throws IOException {
        Assumptions.assumeTrue(Tools.installed(), Tools.MISSING);
        dataDir = Files.createTempDirectory("cairn-blocks");
        server = TestServer.start(dataDir, SETTINGS);
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A write of {@code length} bytes of {@code pattern} at {@code offset}. */
    record Write(long offset, int length, int pattern) {}

    @Provide
    Arbitrary<List<List<Write>>> rounds() {
        Arbitrary<Long> offset = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(0, 8L * MIB)),
                Tuple.of(1, Arbitraries.longs().between(0, GIB - 1)),
                Tuple.of(1, Arbitraries.longs().between(GIB - 2L * MIB, GIB - 1)));
        Arbitrary<Write> write = Combinators.combine(
                        offset,
                        Arbitraries.integers().between(1, 3 * BLOCK),
                        Arbitraries.integers().between(1, 255))
                .as((at, length, pattern) -> new Write(at, (int) Math.min(length, GIB - at), pattern));
        return write.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(2).ofMaxSize(4);
    }

    @Property(tries = 8, shrinking = ShrinkingMode.OFF)
    void listingsHoldTheWrittenBlocksAndEveryTokenReadsWhatWasWritten(
            @ForAll("rounds") List<List<Write>> rounds, @ForAll @IntRange(min = 1, max = 6) int limit)
            throws Exception {
        Client api = server.as("alice", PROJECT);
        String volume = createVolume(api);
        if (ON_RBD) {
            assertThat(TestCeph.objectSize("volume-" + volume))
                    .as("the object size")
                    .isEqualTo(BLOCK);
        }
        Model model = new Model();
        List<String> snapshots = new ArrayList<>();
        List<Map<Long, byte[]>> contents = new ArrayList<>();
        List<TreeSet<Long>> written = new ArrayList<>();
        for (List<Write> round : rounds) {
            String[] commands = round.stream()
                    .map(w -> "write -P " + w.pattern() + " " + w.offset() + " " + w.length())
                    .toArray(String[]::new);
            Tools.qemuIo("nbd://127.0.0.1:" + server.nbdPort() + "/" + volume, commands);
            written.add(model.apply(round));
            snapshots.add(createSnapshot(api, volume));
            contents.add(model.frozen());
        }

        for (int k = 0; k < snapshots.size(); k++) {
            List<JsonNode> blocks = listAll(api, "/snapshots/" + snapshots.get(k) + "/blocks?", "blocks", limit);
            TreeSet<Long> listed = new TreeSet<>();
            for (JsonNode block : blocks) {
                long index = block.get("block_index").asLong();
                assertThat(listed.add(index)).as("block %d listed once", index).isTrue();
                assertThat(readBlock(
                                snapshots.get(k),
                                index,
                                block.get("block_token").asString()))
                        .as("block %d of snapshot %d", index, k)
                        .isEqualTo(contents.get(k).getOrDefault(index, new byte[BLOCK]));
            }
            assertThat(List.copyOf(listed)).as("listed in order").isEqualTo(indices(blocks));
            assertExactly(listed, contents.get(k).keySet(), "the blocks of snapshot " + k);
        }
        List<int[]> pairs = new ArrayList<>();
        for (int k = 1; k < snapshots.size(); k++) {
            pairs.add(new int[] {k - 1, k});
        }
        pairs.add(new int[] {0, snapshots.size() - 1});
        for (int[] pair : pairs) {
            int from = pair[0];
            int to = pair[1];
            TreeSet<Long> expected = new TreeSet<>();
            written.subList(from + 1, to + 1).forEach(expected::addAll);
            List<JsonNode> changed = listAll(
                    api,
                    "/snapshots/" + snapshots.get(to) + "/changed-blocks?from_snapshot_id=" + snapshots.get(from) + "&",
                    "changed_blocks",
                    limit);
            TreeSet<Long> listed = new TreeSet<>(indices(changed));
            assertThat(listed).as("each changed block once").hasSameSizeAs(changed);
            String what = "the changed blocks from snapshot " + from + " to " + to;
            assertExactly(listed, expected, what);
            for (JsonNode block : changed) {
                long index = block.get("block_index").asLong();
                assertToken(block, "first_block_token", snapshots.get(from), index, contents.get(from), what);
                assertToken(block, "second_block_token", snapshots.get(to), index, contents.get(to), what);
            }
        }
    }

    /** The token is there exactly where the snapshot holds the block, and reads it. */
    private static void assertToken(
            JsonNode block, String field, String snapshot, long index, Map<Long, byte[]> content, String what)
            throws Exception {
        JsonNode token = block.get(field);
        if (content.containsKey(index)) {
            assertThat(token).as("%s of block %d in %s", field, index, what).isNotNull();
        } else {
            assertThat(token).as("no %s for block %d in %s", field, index, what).isNull();
        }
        if (token != null) {
            assertThat(readBlock(snapshot, index, token.asString()))
                    .as("%s of block %d in %s", field, index, what)
                    .isEqualTo(content.getOrDefault(index, new byte[BLOCK]));
        }
    }

    /** Nothing expected is missing, and nothing is listed beyond the expected blocks. */
    private static void assertExactly(TreeSet<Long> listed, java.util.Set<Long> expected, String what) {
        assertThat(listed).as("%s: nothing missing", what).containsAll(expected);
        assertThat(expected).as("%s: nothing extra", what).containsAll(listed);
    }

    @Example
    void aBlockReadsAsOctetsWithItsChecksumAtEveryMicroversion() throws Exception {
        Client api = server.as("alice", PROJECT);
        String volume = createVolume(api);
        long last = GIB / BLOCK - 1;
        Tools.qemuIo(nbd(volume), "write -P 7 0 1000", "write -P 9 " + (GIB - 100) + " 100");
        String snapshot = createSnapshot(api, volume);
        for (String version : List.of("3.0", "3.71")) {
            JsonNode page = api.version(version)
                    .get("/snapshots/" + snapshot + "/blocks")
                    .json();
            assertThat(page.get("block_size").asInt()).isEqualTo(BLOCK);
            assertThat(page.get("volume_size").asInt()).isEqualTo(1);
            assertThat(Instant.parse(page.get("expiry_time").asString()))
                    .isAfter(Instant.now().plus(Duration.ofDays(6)));
            assertThat(page.has("next_token")).isFalse();
            List<Long> listed = indices(list(page.get("blocks")));
            assertThat(listed).isSorted();
            assertExactly(new TreeSet<>(listed), java.util.Set.of(0L, last), "the blocks at " + version);
        }
        List<JsonNode> listed =
                list(api.get("/snapshots/" + snapshot + "/blocks").json().get("blocks"));
        JsonNode lastBlock = listed.getLast();
        assertThat(lastBlock.get("block_index").asLong()).isEqualTo(last);
        HttpResponse<byte[]> response =
                fetch(PROJECT, "/snapshots/" + snapshot + "/blocks/" + last + "?token=" + encode(lastBlock));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(response.headers().firstValue("X-Cairn-Checksum-Algorithm")).hasValue("SHA256");
        assertThat(response.headers().firstValue("X-Cairn-Data-Length")).hasValue(Integer.toString(BLOCK));
        assertThat(response.headers().firstValue("X-Cairn-Checksum"))
                .hasValue(Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(response.body())));
        byte[] expected = new byte[BLOCK];
        Arrays.fill(expected, BLOCK - 100, BLOCK, (byte) 9);
        assertThat(response.body()).isEqualTo(expected);
    }

    @Example
    void aTrimmedBlockHasNoSecondToken() throws Exception {
        Client api = server.as("alice", PROJECT);
        String volume = createVolume(api);
        Tools.qemuIo(nbd(volume), "write -P 3 0 8M");
        String before = createSnapshot(api, volume);
        // Whole RBD objects, so that both engines free them rather than write zeros.
        Tools.qemuIo(nbd(volume), "discard 4M 4M");
        String after = createSnapshot(api, volume);
        JsonNode changed = api.get("/snapshots/" + after + "/changed-blocks?from_snapshot_id=" + before)
                .json()
                .get("changed_blocks");
        assertThat(indices(list(changed))).containsExactly(8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        for (JsonNode block : changed) {
            assertThat(block.has("first_block_token")).isTrue();
            assertThat(block.has("second_block_token")).isFalse();
        }
        byte[] threes = new byte[BLOCK];
        Arrays.fill(threes, (byte) 3);
        assertThat(readBlock(before, 8, changed.get(0).get("first_block_token").asString()))
                .isEqualTo(threes);
    }

    @Example
    void anotherProjectsSnapshotIsNotFoundAndItsTokensFitNoOneElse() throws Exception {
        Client alice = server.as("alice", PROJECT);
        String volume = createVolume(alice);
        Tools.qemuIo(nbd(volume), "write -P 1 0 1M");
        String snapshot = createSnapshot(alice, volume);
        String token = alice.get("/snapshots/" + snapshot + "/blocks")
                .json()
                .at("/blocks/0/block_token")
                .asString();

        Client stranger = server.as("mallory", OTHER_PROJECT, "member", "reader");
        String missing = "00000000-0000-4000-8000-000000000000";
        for (String path : List.of("/blocks", "/changed-blocks?from_snapshot_id=" + snapshot, "/blocks/0?token=x")) {
            Reply foreign = stranger.get("/snapshots/" + snapshot + path);
            Reply absent = stranger.get("/snapshots/" + missing + path);
            assertThat(foreign.status()).as(path).isEqualTo(404);
            assertThat(foreign.text()).as(path).isEqualTo(absent.text().replace(missing, snapshot));
        }
        assertThat(fetch(OTHER_PROJECT, "/snapshots/" + snapshot + "/blocks/0?token=" + encodeText(token), "mallory")
                        .statusCode())
                .isEqualTo(404);

        // An admin of another project sees the snapshot, as for a show, but not with the tokens alice was given.
        Client otherAdmin = server.as("root", OTHER_PROJECT);
        assertThat(otherAdmin.get("/snapshots/" + snapshot + "/blocks").status())
                .isEqualTo(200);
        Reply refused = otherAdmin.get("/snapshots/" + snapshot + "/blocks/0?token=" + encodeText(token));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.message()).contains("another project");
    }

    @Example
    void tokensThatDoNotFitTheBlockAreRefused() throws Exception {
        Client api = server.as("alice", PROJECT);
        String volume = createVolume(api);
        Tools.qemuIo(nbd(volume), "write -P 1 0 1M");
        String first = createSnapshot(api, volume);
        String second = createSnapshot(api, volume);
        String token = api.get("/snapshots/" + first + "/blocks")
                .json()
                .at("/blocks/0/block_token")
                .asString();
        String tampered = (token.charAt(3) == 'A' ? "B" : "A");
        tampered = token.substring(0, 3) + tampered + token.substring(4);

        assertRefused(api.get("/snapshots/" + first + "/blocks/0?token=" + encodeText(tampered)), 400, "altered");
        assertRefused(api.get("/snapshots/" + first + "/blocks/0?token=" + encodeText(token + "x")), 400, "altered");
        assertRefused(api.get("/snapshots/" + first + "/blocks/0?token=garbage"), 400, "altered");
        assertRefused(api.get("/snapshots/" + first + "/blocks/1?token=" + encodeText(token)), 400, "block 0, not 1");
        assertRefused(
                api.get("/snapshots/" + second + "/blocks/0?token=" + encodeText(token)), 400, "another snapshot");
        assertRefused(api.get("/snapshots/" + first + "/blocks/0"), 400, "token is required");
        for (String index : List.of("-1", "x", "2048", "99999999999999999999", "1.0")) {
            assertRefused(
                    api.get("/snapshots/" + first + "/blocks/" + index + "?token=" + encodeText(token)),
                    400,
                    "block_index must be an integer from 0 to 2047");
        }
        assertThat(readBlock(first, 0, token)).startsWith((byte) 1, (byte) 1, (byte) 1);
    }

    @Example
    void badLimitsPagesAndSnapshotsAreClearFaults() throws Exception {
        Client api = server.as("alice", PROJECT);
        String volume = createVolume(api);
        Tools.qemuIo(nbd(volume), "write -P 1 0 2M");
        String older = createSnapshot(api, volume);
        String newer = createSnapshot(api, volume);
        String otherVolume = createVolume(api);
        String elsewhere = createSnapshot(api, otherVolume);
        String blocks = "/snapshots/" + newer + "/blocks";
        String changed = "/snapshots/" + newer + "/changed-blocks?from_snapshot_id=" + older;

        assertRefused(api.get(blocks + "?limit=abc"), 400, "limit param must be an integer");
        assertRefused(api.get(blocks + "?limit=-1"), 400, "limit param must be positive");
        assertRefused(api.get(blocks + "?limit=0"), 400, "limit param must be greater than 0");
        assertThat(api.get(blocks + "?limit=99999").json().get("blocks")).hasSize(4);
        assertRefused(api.get(blocks + "?next_token=garbage"), 400, "next_token is not a token");
        JsonNode firstPage = api.get(blocks + "?limit=1").json();
        String next = firstPage.get("next_token").asString();
        assertThat(api.get(blocks + "?limit=1&next_token=" + encodeText(next))
                        .json()
                        .at("/blocks/0/block_index")
                        .asLong())
                .isEqualTo(1);
        assertRefused(
                api.get("/snapshots/" + older + "/blocks?next_token=" + encodeText(next)), 400, "another listing");
        assertRefused(api.get(changed + "&next_token=" + encodeText(next)), 400, "another listing");
        assertRefused(
                api.get(blocks + "?next_token="
                        + encodeText(firstPage.at("/blocks/0/block_token").asString())),
                400,
                "next_token is not a token");

        String changedOf = "/snapshots/" + newer + "/changed-blocks";
        assertRefused(api.get(changedOf), 400, "from_snapshot_id is required");
        assertRefused(api.get(changedOf + "?from_snapshot_id=" + newer), 400, "not the snapshot itself");
        assertRefused(
                api.get("/snapshots/" + older + "/changed-blocks?from_snapshot_id=" + newer),
                400,
                "from_snapshot_id must be the older one");
        assertRefused(api.get(changedOf + "?from_snapshot_id=" + elsewhere), 400, "not of volume " + volume);
        assertRefused(
                api.get(changedOf + "?from_snapshot_id=00000000-0000-4000-8000-000000000000"),
                404,
                "Snapshot 00000000-0000-4000-8000-000000000000 could not be found.");
        assertThat(api.get(changed).json().get("changed_blocks")).isEmpty();

        assertThat(api.post("/snapshots/" + older + "/action", "{\"os-reset_status\":{\"status\":\"error\"}}")
                        .status())
                .isEqualTo(202);
        assertRefused(api.get("/snapshots/" + older + "/blocks"), 400, "the current status is \"error\"");
        assertRefused(api.get(changed), 400, "the current status is \"error\"");
    }

    @Example
    void tokensAndPagesExpireAfterTheirLifetime() throws Exception {
        Path directory = Files.createTempDirectory("cairn-blocks-expiry");
        Map<String, String> settings = new HashMap<>(Map.of("quota-snapshots", "-1", "block-token-lifetime", "1"));
        try (TestServer shortLived = TestServer.start(directory, settings)) {
            Client api = shortLived.as("alice", PROJECT);
            String volume = createVolume(api);
            Tools.qemuIo("nbd://127.0.0.1:" + shortLived.nbdPort() + "/" + volume, "write -P 1 0 1M");
            String snapshot = createSnapshot(api, volume);
            JsonNode page =
                    api.get("/snapshots/" + snapshot + "/blocks?limit=1").json();
            Instant expiry = Instant.parse(page.get("expiry_time").asString());
            while (!Instant.now().isAfter(expiry)) {
                Thread.sleep(50);
            }
            assertRefused(
                    api.get("/snapshots/" + snapshot + "/blocks/0?token=" + encode(page.at("/blocks/0"))),
                    400,
                    "token expired at " + expiry);
            assertRefused(
                    api.get("/snapshots/" + snapshot + "/blocks?next_token="
                            + encodeText(page.get("next_token").asString())),
                    400,
                    "next_token expired at " + expiry);
        }
    }

    @Example
    void tokensSignedUnderTheSecretKeyOutliveARestartAndOnlyThatKeyAcceptsThem() throws Exception {
        Path directory = Files.createTempDirectory("cairn-blocks-key");
        Map<String, String> settings = new HashMap<>(Map.of("secret-key", key(1)));
        String snapshot;
        String token;
        try (TestServer first = TestServer.start(directory, settings)) {
            Client api = first.as("alice", PROJECT);
            String volume = createVolume(api);
            Tools.qemuIo("nbd://127.0.0.1:" + first.nbdPort() + "/" + volume, "write -P 5 0 1M");
            snapshot = createSnapshot(api, volume);
            token = api.get("/snapshots/" + snapshot + "/blocks")
                    .json()
                    .at("/blocks/0/block_token")
                    .asString();
        }
        String read = "/snapshots/" + snapshot + "/blocks/0?token=" + encodeText(token);
        try (TestServer again = TestServer.start(directory, settings)) {
            assertThat(again.as("alice", PROJECT).get(read).status()).isEqualTo(200);
        }
        settings.put("secret-key", key(2));
        try (TestServer otherKey = TestServer.start(directory, settings)) {
            assertRefused(otherKey.as("alice", PROJECT).get(read), 400, "altered");
        }
    }

    private static String key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return Base64.getEncoder().encodeToString(key);
    }

    @Example
    void theTokenLifetimeIsSevenDaysUnlessSetAndABadOneStopsStartUp() {
        assertThat(config(Map.of()).blockAccess().tokenLifetime()).isEqualTo(Duration.ofDays(7));
        assertThat(config(Map.of("block-token-lifetime", "60")).blockAccess().tokenLifetime())
                .isEqualTo(Duration.ofMinutes(1));
        for (String bad : List.of("0", "-5", "2592001", "1h")) {
            assertThatThrownBy(() -> config(Map.of("block-token-lifetime", bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("block-token-lifetime");
        }
    }

    private static CairnConfig config(Map<String, String> settings) {
        return CairnConfig.from(Settings.load(settings, Map.of(), Optional.empty()));
    }

    private static void assertRefused(Reply reply, int status, String message) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.message()).contains(message);
    }

    private static String createVolume(Client api) {
        String volume = api.post("/volumes", "{\"volume\":{\"size\":1}}")
                .json()
                .at("/volume/id")
                .asString();
        api.await("/volumes/" + volume, "/volume/status", "available");
        return volume;
    }

    private static String createSnapshot(Client api, String volume) {
        String snapshot = api.post("/snapshots", "{\"snapshot\":{\"volume_id\":\"" + volume + "\"}}")
                .json()
                .at("/snapshot/id")
                .asString();
        api.await("/snapshots/" + snapshot, "/snapshot/status", "available");
        return snapshot;
    }

    private static String nbd(String export) {
        return "nbd://127.0.0.1:" + server.nbdPort() + "/" + export;
    }

    /** Every page of a listing, {@code limit} at a time: each page but the last full and with a next token. */
    private static List<JsonNode> listAll(Client api, String path, String field, int limit) {
        List<JsonNode> items = new ArrayList<>();
        Optional<String> next = Optional.empty();
        do {
            Reply reply = api.get(path + "limit=" + limit
                    + next.map(t -> "&next_token=" + encodeText(t)).orElse(""));
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            JsonNode page = reply.json();
            assertThat(page.get("block_size").asInt()).isEqualTo(BLOCK);
            List<JsonNode> blocks = list(page.get(field));
            assertThat(blocks.size()).isLessThanOrEqualTo(limit);
            items.addAll(blocks);
            next = page.has("next_token") ? Optional.of(page.get("next_token").asString()) : Optional.empty();
            if (next.isPresent() && field.equals("blocks")) {
                assertThat(blocks).as("a page before the last is full").hasSize(limit);
            }
        } while (next.isPresent());
        return items;
    }

    private static byte[] readBlock(String snapshot, long index, String token) throws Exception {
        HttpResponse<byte[]> response =
                fetch(PROJECT, "/snapshots/" + snapshot + "/blocks/" + index + "?token=" + encodeText(token));
        assertThat(response.statusCode())
                .as(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(response.headers().firstValue("X-Cairn-Checksum"))
                .hasValue(Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(response.body())));
        return response.body();
    }

    private static HttpResponse<byte[]> fetch(String project, String path) throws Exception {
        return fetch(project, path, "alice");
    }

    private static HttpResponse<byte[]> fetch(String project, String path, String user) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v3/" + project + path))
                .header("X-Auth-Token", user + ":" + project + ("alice".equals(user) ? "" : ":member,reader"))
                .GET()
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String encode(JsonNode block) {
        return encodeText(block.get("block_token").asString());
    }

    private static String encodeText(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static List<Long> indices(List<JsonNode> blocks) {
        return blocks.stream().map(block -> block.get("block_index").asLong()).toList();
    }

    /** The volume's content, block by block (absent blocks were never written), as qemu-io's writes leave it. */
    private static final class Model {
        private final TreeMap<Long, byte[]> blocks = new TreeMap<>();

        /** Applies the writes; the blocks they touched. */
        TreeSet<Long> apply(List<Write> writes) {
            TreeSet<Long> touched = new TreeSet<>();
            for (Write write : writes) {
                long end = write.offset() + write.length();
                for (long index = write.offset() / BLOCK; index * BLOCK < end; index++) {
                    byte[] block = blocks.computeIfAbsent(index, i -> new byte[BLOCK]);
                    int from = (int) Math.max(0, write.offset() - index * BLOCK);
                    int to = (int) Math.min(BLOCK, end - index * BLOCK);
                    Arrays.fill(block, from, to, (byte) write.pattern());
                    touched.add(index);
                }
            }
            return touched;
        }

        Map<Long, byte[]> frozen() {
            Map<Long, byte[]> copy = new TreeMap<>();
            blocks.forEach((index, block) -> copy.put(index, block.clone()));
            return copy;
        }
    }
}
