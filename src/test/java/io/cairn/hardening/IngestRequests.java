package io.cairn.hardening;

import static io.cairn.hardening.HostileRequestPropertyTest.quote;

import io.cairn.domain.SnapshotBlocks;
import io.cairn.hardening.HostileRequestPropertyTest.HostileRequest;
import io.cairn.hardening.RawHttp.Header;
import io.cairn.http.IngestClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Hostile requests made for the snapshot-ingest endpoints, beside the generic ones that reach them too: a right
 * request (a block put of the fixture ingest, the completion that {@link #FIXTURE_BLOCKS} satisfy, a start) with one
 * or two of its parts made wrong (the method, the id, the block index, the body, a header or a field given a wrong
 * type, an out-of-range or malformed value, or left out), so that each gets past every check but the one it aims at.
 * One in ten is left right and accepted. The headers are those of an ordinary client (the generic requests bring the
 * hostile ones), with a token of any of the test's callers.
 */
final class IngestRequests {
    /** What the fixture ingest has received: a couple of blocks of a 1 GiB volume. */
    static final SortedMap<Long, byte[]> FIXTURE_BLOCKS =
            new TreeMap<>(Map.of(0L, IngestFixtures.block(1), 5L, IngestFixtures.block(2)));

    private static final String INGESTS = "/v3/{project}/snapshot-ingests";
    /** A wrong value that leaves the field or header out; one that sends the header twice. */
    private static final String MISSING = "<missing>";

    private static final String TWICE = "<twice>";

    private IngestRequests() {}

    /** One in ten right, the others with one or two of {@code mutations} applied. */
    private static <T> Arbitrary<T> mostlyWrong(T right, Arbitrary<UnaryOperator<T>> mutations) {
        Arbitrary<T> wrong = mutations.list().ofMinSize(1).ofMaxSize(2).map(applied -> {
            T result = right;
            for (UnaryOperator<T> mutation : applied) {
                result = mutation.apply(result);
            }
            return result;
        });
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(right)), Tuple.of(9, wrong));
    }

    /** A block put: what it aims at and what it sends. */
    private record Put(
            String method,
            String id,
            String index,
            byte[] body,
            List<Header> checksum,
            List<Header> algorithm,
            List<Header> length) {
        static Put of(long index, byte[] body) {
            return new Put(
                    "PUT", "@ingest", Long.toString(index), body, checksum(body), algorithm("SHA256"), length(body));
        }

        static List<Header> checksum(byte[] body) {
            return List.of(Header.of("X-Cairn-Checksum", IngestClient.checksum(body)));
        }

        static List<Header> algorithm(String value) {
            return List.of(Header.of("X-Cairn-Checksum-Algorithm", value));
        }

        static List<Header> length(byte[] body) {
            return List.of(Header.of("X-Cairn-Data-Length", Integer.toString(body.length)));
        }
    }

    /**
     * Puts of the fixture's own blocks (accepted, they change no content), made wrong: another method, id or index,
     * a body of another length or content (with or without headers that describe it), a checksum, algorithm or
     * length header that is malformed, wrong, duplicated or missing.
     */
    static Arbitrary<HostileRequest> blockPuts(Arbitrary<Header> tokens, Arbitrary<String> junk) {
        byte[] other = IngestFixtures.block(3);
        byte[] digest = Base64.getDecoder().decode(IngestClient.checksum(other));
        Arbitrary<UnaryOperator<Put>> method = Arbitraries.of("POST", "PATCH", "GET", "DELETE", "HEAD")
                .map(m -> p -> new Put(m, p.id(), p.index(), p.body(), p.checksum(), p.algorithm(), p.length()));
        Arbitrary<UnaryOperator<Put>> id = Arbitraries.oneOf(
                        Arbitraries.of("@staging", "@snapshot", "00000000-0000-4000-8000-000000000000"), junk)
                .map(i -> p -> new Put(p.method(), i, p.index(), p.body(), p.checksum(), p.algorithm(), p.length()));
        Arbitrary<UnaryOperator<Put>> index = Arbitraries.oneOf(
                        Arbitraries.of(
                                "2048",
                                "-1",
                                "+1",
                                "1e3",
                                "0x10",
                                "9223372036854775807",
                                "99999999999999999999999",
                                "%EF%BC%91", // a fullwidth digit one
                                "1.0",
                                "00",
                                "%30",
                                ""),
                        junk)
                .map(i -> p -> new Put(p.method(), p.id(), i, p.body(), p.checksum(), p.algorithm(), p.length()));
        Arbitrary<UnaryOperator<Put>> body = Combinators.combine(
                        Arbitraries.of(
                                Arrays.copyOf(other, SnapshotBlocks.BLOCK_SIZE - 1),
                                Arrays.copyOf(other, SnapshotBlocks.BLOCK_SIZE + 1),
                                other,
                                new byte[0],
                                "{\"block\":0}".getBytes(StandardCharsets.UTF_8)),
                        Arbitraries.of(true, false))
                .as((data, described) -> p -> new Put(
                        p.method(),
                        p.id(),
                        p.index(),
                        data,
                        described ? Put.checksum(data) : p.checksum(),
                        p.algorithm(),
                        described ? Put.length(data) : p.length()));
        Arbitrary<UnaryOperator<Put>> checksum = Arbitraries.of(
                        "",
                        "!!!!",
                        "AAAA",
                        IngestClient.checksum(other),
                        Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 31)),
                        Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 33)),
                        Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(new byte[] {-1, -2, -3})
                                .repeat(11),
                        Base64.getEncoder().withoutPadding().encodeToString(digest),
                        "A".repeat(6000),
                        "\u00e9\u00e9\u00e9\u00e9",
                        MISSING,
                        TWICE)
                .map(value -> p -> new Put(
                        p.method(),
                        p.id(),
                        p.index(),
                        p.body(),
                        switch (value) {
                            case MISSING -> List.of();
                            case TWICE ->
                                List.of(
                                        Header.of("X-Cairn-Checksum", IngestClient.checksum(other)),
                                        p.checksum().getFirst());
                            default -> List.of(Header.of("X-Cairn-Checksum", value));
                        },
                        p.algorithm(),
                        p.length()));
        Arbitrary<UnaryOperator<Put>> algorithm = Arbitraries.of(
                        "sha256", "SHA-256", "SHA1", "", "SHA256 ,SHA256", "LINEAR", MISSING)
                .map(value -> p -> new Put(
                        p.method(),
                        p.id(),
                        p.index(),
                        p.body(),
                        p.checksum(),
                        value.equals(MISSING) ? List.of() : Put.algorithm(value),
                        p.length()));
        Arbitrary<UnaryOperator<Put>> length = Arbitraries.of(
                        Integer.toString(SnapshotBlocks.BLOCK_SIZE + 1),
                        "0",
                        "-1",
                        "-0",
                        "1.5",
                        "",
                        "99999999999999999999",
                        "9223372036854775807",
                        "524288, 524288",
                        "0x80000",
                        MISSING)
                .map(value -> p -> new Put(
                        p.method(),
                        p.id(),
                        p.index(),
                        p.body(),
                        p.checksum(),
                        p.algorithm(),
                        value.equals(MISSING) ? List.of() : List.of(Header.of("X-Cairn-Data-Length", value))));
        Arbitrary<Put> puts = Arbitraries.of(FIXTURE_BLOCKS.keySet())
                .flatMap(i -> mostlyWrong(
                        Put.of(i, FIXTURE_BLOCKS.get(i)),
                        Arbitraries.oneOf(method, id, index, body, checksum, algorithm, length)));
        return Combinators.combine(puts, tokens).as((put, token) -> {
            List<Header> all = new ArrayList<>(List.of(token, Header.of("Content-Type", "application/octet-stream")));
            all.addAll(put.checksum());
            all.addAll(put.algorithm());
            all.addAll(put.length());
            boolean sendsBody = !put.method().equals("GET") && !put.method().equals("HEAD");
            return new HostileRequest(
                    put.method(),
                    INGESTS + "/{id}/blocks/{key}",
                    put.id(),
                    put.index(),
                    "",
                    all,
                    sendsBody ? put.body() : null);
        });
    }

    /** A field of a JSON body: its right value (empty: left out) and wrong ones ({@link #MISSING}: left out). */
    private record Field(String name, String right, List<String> wrong) {}

    /** {@code {wrapper: {fields}}}, right or with one or two fields (or the wrapper) made wrong. */
    private static Arbitrary<byte[]> objects(String wrapper, List<Field> fields) {
        Map<String, String> right = new LinkedHashMap<>();
        right.put("", wrapper);
        fields.forEach(field -> right.put(field.name(), field.right()));
        Arbitrary<UnaryOperator<Map<String, String>>> wrongField = Arbitraries.of(fields)
                .flatMap(field -> Arbitraries.of(field.wrong()).map(value -> values -> {
                    Map<String, String> changed = new LinkedHashMap<>(values);
                    changed.put(field.name(), value);
                    return changed;
                }));
        Arbitrary<UnaryOperator<Map<String, String>>> wrongWrapper = Arbitraries.of(
                        "snapshot", "ingest", "complete", "")
                .map(name -> values -> {
                    Map<String, String> changed = new LinkedHashMap<>(values);
                    changed.put("", name.equals(wrapper) ? "x" : name);
                    return changed;
                });
        return mostlyWrong(right, Arbitraries.frequencyOf(Tuple.of(8, wrongField), Tuple.of(1, wrongWrapper)))
                .map(values -> {
                    String inner = values.entrySet().stream()
                            .filter(entry -> !entry.getKey().isEmpty())
                            .filter(entry -> !entry.getValue().isEmpty()
                                    && !entry.getValue().equals(MISSING))
                            .map(entry -> quote(entry.getKey()) + ":" + entry.getValue())
                            .collect(Collectors.joining(","));
                    return ("{" + quote(values.get("")) + ":{" + inner + "}}").getBytes(StandardCharsets.UTF_8);
                });
    }

    /** Completions of the fixture ingest: the right one (accepted) made wrong a field or two at a time. */
    static Arbitrary<HostileRequest> completions(Arbitrary<Header> tokens, Arbitrary<String> junk) {
        String right = IngestClient.aggregate(FIXTURE_BLOCKS);
        Arbitrary<byte[]> body = objects(
                "complete",
                List.of(
                        new Field(
                                "changed_blocks_count",
                                Integer.toString(FIXTURE_BLOCKS.size()),
                                List.of(
                                        "0",
                                        "1",
                                        "3",
                                        "-1",
                                        "1.5",
                                        "2.0",
                                        "1e400",
                                        "9223372036854775807",
                                        "9223372036854775808",
                                        "12345678901234567890123",
                                        "\"2\"",
                                        "null",
                                        "[2]",
                                        "true",
                                        MISSING)),
                        new Field(
                                "checksum",
                                quote(right),
                                List.of(
                                        quote(IngestClient.aggregate(new TreeMap<>())),
                                        quote(""),
                                        quote("!!!!"),
                                        quote("AAAA"),
                                        quote(right.replace("=", "")),
                                        quote("A".repeat(65)),
                                        quote(Base64.getUrlEncoder().encodeToString(new byte[32])),
                                        "32",
                                        "null",
                                        "{}",
                                        MISSING)),
                        new Field(
                                "checksum_algorithm", quote("SHA256"), texts("sha256", "SHA1", "", "LINEAR", MISSING)),
                        new Field(
                                "checksum_aggregation_method",
                                quote("LINEAR"),
                                texts("linear", "TREE", "SHA256", "", MISSING)),
                        new Field("k", "", List.of("1", "null"))));
        Arbitrary<String> id = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("@ingest")),
                Tuple.of(1, Arbitraries.of("@staging", "@snapshot", "00000000-0000-4000-8000-000000000000")),
                Tuple.of(1, junk));
        return Combinators.combine(id, body, tokens)
                .as((i, b, token) -> new HostileRequest("POST", INGESTS + "/{id}/complete", i, "", "", json(token), b));
    }

    /** Starts, right (a new 1 GiB ingest, or the one its client token names) or made wrong a field or two at a time. */
    static Arbitrary<HostileRequest> starts(Arbitrary<Header> tokens) {
        List<String> names = List.of(quote("x".repeat(256)), quote("a\u0000b"), "[]", "1", MISSING);
        Arbitrary<byte[]> body = objects(
                "ingest",
                List.of(
                        new Field(
                                "volume_size",
                                "1",
                                List.of(
                                        "0",
                                        "-1",
                                        "65537",
                                        "2147483648",
                                        "12345678901234567890123",
                                        "1e400",
                                        "1.5",
                                        "\"1\"",
                                        "null",
                                        "true",
                                        MISSING)),
                        new Field(
                                "parent_snapshot_id",
                                "",
                                List.of(
                                        quote("00000000-0000-4000-8000-000000000000"),
                                        quote("not-a-uuid"),
                                        quote(""),
                                        "5",
                                        "{}")),
                        new Field(
                                "client_token",
                                quote("hostile"),
                                List.of(
                                        quote("x".repeat(64)),
                                        quote("x".repeat(65)),
                                        quote(""),
                                        quote("\u0000"),
                                        quote("日本語"),
                                        "7",
                                        MISSING)),
                        new Field(
                                "timeout",
                                "60",
                                List.of("9", "4321", "-1", "1e400", "10.5", "\"60\"", "99999999999999999999")),
                        new Field("name", quote("n"), names),
                        new Field("description", quote("d"), names),
                        new Field(
                                "metadata",
                                "{\"k\":\"v\"}",
                                List.of(
                                        "{\"\":\"v\"}",
                                        "{\"k\":1}",
                                        "{\"k\":\"" + "v".repeat(256) + "\"}",
                                        "{\"k\\u0000\":\"v\"}",
                                        "[]",
                                        "\"k=v\"",
                                        MISSING)),
                        new Field("snapshot_id", "", List.of(quote("00000000-0000-4000-8000-000000000000")))));
        return Combinators.combine(body, tokens)
                .as((b, token) -> new HostileRequest("POST", INGESTS, "", "", "", json(token), b));
    }

    private static List<Header> json(Header token) {
        return List.of(token, Header.of("Content-Type", "application/json"));
    }

    private static List<String> texts(String... values) {
        return Arrays.stream(values)
                .map(value -> value.equals(MISSING) ? value : quote(value))
                .toList();
    }
}
