package io.cairn.http.cinder;

import io.cairn.domain.CairnException;
import io.cairn.domain.SnapshotIngest;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.http.schema.JsonSchema;
import io.cairn.service.SnapshotIngestService;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Snapshot ingests, a Cairn extension under the Cinder tree (the EBS direct APIs' StartSnapshot, PutSnapshotBlock and
 * CompleteSnapshot): parse, call one service method, render one view.
 */
public final class SnapshotIngestResource {
    private static final int DEFAULT_TIMEOUT_MINUTES = 60;

    private static final JsonSchema START = JsonSchema.load("snapshot-ingest-start");
    private static final JsonSchema COMPLETE = JsonSchema.load("snapshot-ingest-complete");

    private final SnapshotIngestService ingests;

    public SnapshotIngestResource(SnapshotIngestService ingests) {
        this.ingests = ingests;
    }

    public void register(Router router) {
        router.add("POST", "snapshot-ingests", this::start);
        router.add("GET", "snapshot-ingests/{id}", this::show);
        router.add("DELETE", "snapshot-ingests/{id}", this::abort);
        router.add("PUT", "snapshot-ingests/{id}/blocks/{block_index}", this::putBlock);
        router.add("POST", "snapshot-ingests/{id}/complete", this::complete);
    }

    private ApiResponse start(ApiRequest request) {
        JsonNode body = request.body(START).get("ingest");
        SnapshotIngestService.Started started = ingests.start(
                request.caller(),
                new SnapshotIngest.Request(
                        body.get("volume_size").asInt(),
                        Bodies.optionalText(body, "parent_snapshot_id"),
                        Bodies.optionalText(body, "client_token"),
                        body.hasNonNull("timeout") ? body.get("timeout").asInt() : DEFAULT_TIMEOUT_MINUTES,
                        Bodies.optionalText(body, "name").map(Bodies::strip),
                        Bodies.optionalText(body, "description").map(Bodies::strip),
                        body.path("metadata").isObject() ? Bodies.metadata(body.get("metadata")) : Map.of()));
        return ApiResponse.json(
                started.created() ? 202 : 200, ApiResponse.wrap("ingest", SnapshotIngestView.of(started.ingest())));
    }

    private ApiResponse show(ApiRequest request) {
        return ApiResponse.ok(
                ApiResponse.wrap("ingest", SnapshotIngestView.of(ingests.get(request.caller(), request.param("id")))));
    }

    private ApiResponse abort(ApiRequest request) {
        ingests.abort(request.caller(), request.param("id"));
        return ApiResponse.empty(202);
    }

    private ApiResponse putBlock(ApiRequest request) {
        ingests.putBlock(
                request.caller(),
                request.param("id"),
                new SnapshotIngestService.BlockPut(
                        number(request.param("block_index"), "block index"),
                        request.rawBody(),
                        number(
                                required(request, SnapshotBlocksResource.DATA_LENGTH),
                                SnapshotBlocksResource.DATA_LENGTH),
                        required(request, SnapshotBlocksResource.CHECKSUM),
                        required(request, SnapshotBlocksResource.CHECKSUM_ALGORITHM)));
        return ApiResponse.empty(201);
    }

    private ApiResponse complete(ApiRequest request) {
        JsonNode body = request.body(COMPLETE).get("complete");
        SnapshotIngestService.Shown shown = ingests.complete(
                request.caller(),
                request.param("id"),
                new SnapshotIngestService.Completion(
                        body.get("changed_blocks_count").asLong(),
                        body.get("checksum").asString(),
                        body.get("checksum_algorithm").asString(),
                        body.get("checksum_aggregation_method").asString()));
        return ApiResponse.accepted(ApiResponse.wrap("ingest", SnapshotIngestView.of(shown)));
    }

    private static String required(ApiRequest request, String header) {
        return Optional.ofNullable(request.header(header))
                .orElseThrow(() -> CairnException.invalidInput("the header " + header + " is required."));
    }

    private static long number(String text, String what) {
        if (!text.matches("[0-9]{1,18}")) {
            throw CairnException.invalidInput(what + " must be a non-negative integer, not '" + text + "'.");
        }
        return Long.parseLong(text);
    }
}
