package io.cairn.http.cinder;

import io.cairn.domain.SnapshotBlocks;
import io.cairn.http.ApiRequest;
import io.cairn.http.ApiResponse;
import io.cairn.http.Router;
import io.cairn.service.SnapshotBlockAccess;
import io.cairn.service.SnapshotBlockAccess.BlockData;
import io.cairn.service.SnapshotBlockAccess.Listing;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cairn's extension under the Cinder tree for direct snapshot access, at every 3.x microversion: a snapshot's blocks,
 * the blocks changed between two snapshots, and one block's bytes with their SHA-256 (the EBS direct APIs' reads).
 */
public final class SnapshotBlocksResource {
    /** The block's SHA-256, base64: answered by a block read, required by a block put (SnapshotIngestResource). */
    public static final String CHECKSUM = "X-Cairn-Checksum";

    public static final String CHECKSUM_ALGORITHM = "X-Cairn-Checksum-Algorithm";
    public static final String DATA_LENGTH = "X-Cairn-Data-Length";

    private final SnapshotBlockAccess blocks;

    public SnapshotBlocksResource(SnapshotBlockAccess blocks) {
        this.blocks = blocks;
    }

    public void register(Router router) {
        router.add("GET", "snapshots/{id}/blocks", this::list);
        router.add("GET", "snapshots/{id}/changed-blocks", this::changed);
        router.add("GET", "snapshots/{id}/blocks/{index}", this::read);
    }

    private ApiResponse list(ApiRequest request) {
        Listing<SnapshotBlockAccess.Block> page = blocks.blocks(
                request.caller(), request.param("id"), request.queryValue("limit"), request.queryValue("next_token"));
        return ApiResponse.ok(listing("blocks", page, block -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("block_index", block.index());
            view.put("block_token", block.token());
            return view;
        }));
    }

    private ApiResponse changed(ApiRequest request) {
        Listing<SnapshotBlockAccess.ChangedBlock> page = blocks.changedBlocks(
                request.caller(),
                request.param("id"),
                request.queryValue("from_snapshot_id"),
                request.queryValue("limit"),
                request.queryValue("next_token"));
        return ApiResponse.ok(listing("changed_blocks", page, block -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("block_index", block.index());
            block.firstToken().ifPresent(token -> view.put("first_block_token", token));
            block.secondToken().ifPresent(token -> view.put("second_block_token", token));
            return view;
        }));
    }

    private ApiResponse read(ApiRequest request) {
        BlockData block = blocks.block(
                request.caller(), request.param("id"), request.param("index"), request.queryValue("token"));
        return new ApiResponse(
                200,
                block.bytes(),
                Map.of(
                        "Content-Type",
                        "application/octet-stream",
                        CHECKSUM,
                        block.sha256(),
                        CHECKSUM_ALGORITHM,
                        "SHA256",
                        DATA_LENGTH,
                        Integer.toString(block.bytes().length)));
    }

    private static <T> Map<String, Object> listing(
            String name, Listing<T> page, Function<T, Map<String, Object>> render) {
        List<Map<String, Object>> items = page.blocks().stream().map(render).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(name, items);
        body.put("block_size", SnapshotBlocks.BLOCK_SIZE);
        body.put("volume_size", page.volumeSize());
        body.put("expiry_time", page.expiry().toString());
        page.nextToken().ifPresent(token -> body.put("next_token", token));
        return body;
    }
}
