package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Snapshot;
import io.cairn.domain.SnapshotBlocks;
import io.cairn.domain.SnapshotStatus;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.BlockStore;
import io.cairn.engine.EngineException;
import io.cairn.engine.StorageEngine;
import io.cairn.engine.StorageEngine.Extent;
import io.cairn.service.BlockTokens.Claims;
import io.cairn.service.BlockTokens.Kind;
import io.cairn.store.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;

/**
 * Direct access to the blocks of a snapshot ({@link SnapshotBlocks#BLOCK_SIZE} each), as the EBS direct APIs give
 * it: the allocated blocks of a snapshot, the blocks that differ between two snapshots of a volume, and the bytes of
 * one block. Listings hand out a token per block, bound to the caller's project, the snapshot and the block index and
 * valid for the configured lifetime; reading a block takes its token. The engine answers which extents hold data or
 * changed; they are rounded out to whole blocks here, and the bytes are read through the path NBD snapshot exports
 * read.
 */
public final class SnapshotBlockAccess {
    private static final long GIB = 1L << 30;
    private static final Pattern BLOCK_INDEX = Pattern.compile("[0-9]{1,18}");

    /** A block of a snapshot and the token that reads it. */
    public record Block(long index, String token) {}

    /**
     * A block that differs between two snapshots, with the token that reads it in each: empty for the older one
     * where it held nothing there, for the newer one where it holds nothing now (it was trimmed).
     */
    public record ChangedBlock(long index, Optional<String> firstToken, Optional<String> secondToken) {}

    /**
     * One page of a listing.
     *
     * @param volumeSize the snapshot's size in GiB
     * @param expiry when the page's block tokens (and its next token) stop being accepted
     * @param nextToken where the listing goes on, present while blocks remain
     */
    public record Listing<T>(List<T> blocks, int volumeSize, Instant expiry, Optional<String> nextToken) {
        public Listing {
            blocks = List.copyOf(blocks);
        }
    }

    /** A block's bytes and their SHA-256, base64. */
    public record BlockData(byte[] bytes, String sha256) {}

    private final SnapshotStore snapshots;
    private final StorageEngine engine;
    private final BlockStore data;
    private final BlockTokens tokens;
    private final Duration tokenLifetime;
    private final Clock clock;

    public SnapshotBlockAccess(
            SnapshotStore snapshots,
            StorageEngine engine,
            BlockStore data,
            BlockTokens tokens,
            Duration tokenLifetime,
            Clock clock) {
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.data = requireNonNull(data, "data is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.tokenLifetime = requireNonNull(tokenLifetime, "tokenLifetime is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The blocks of an available snapshot that may hold anything but zeros, in index order, from the next token on. */
    public Listing<Block> blocks(Caller caller, String snapshotId, Optional<String> limit, Optional<String> nextToken) {
        Snapshot snapshot = readable(caller, snapshotId);
        int pageSize = pageSize(limit);
        Instant expiry = expiry();
        long start = resume(caller, nextToken, snapshot, Optional.empty());
        BlockRanges allocated = BlockRanges.of(extents(snapshot, Optional.empty()));
        return page(
                caller,
                snapshot,
                Optional.empty(),
                allocated,
                index -> true,
                start,
                pageSize,
                expiry,
                index -> new Block(index, blockToken(caller, snapshot, index, expiry)));
    }

    /**
     * The blocks that differ between {@code fromSnapshotId}, an older snapshot of the same volume, and the snapshot,
     * in index order, from the next token on. A block that holds nothing in either (written and trimmed again in
     * between) does not differ and is left out.
     */
    public Listing<ChangedBlock> changedBlocks(
            Caller caller,
            String snapshotId,
            Optional<String> fromSnapshotId,
            Optional<String> limit,
            Optional<String> nextToken) {
        Snapshot second = readable(caller, snapshotId);
        Snapshot first = older(caller, second, fromSnapshotId);
        int pageSize = pageSize(limit);
        Instant expiry = expiry();
        long start = resume(caller, nextToken, second, Optional.of(first.id()));
        BlockRanges changed = BlockRanges.of(extents(second, Optional.of(first.id())));
        BlockRanges inFirst = BlockRanges.of(extents(first, Optional.empty()));
        BlockRanges inSecond = BlockRanges.of(extents(second, Optional.empty()));
        return page(
                caller,
                second,
                Optional.of(first.id()),
                changed,
                index -> inFirst.contains(index) || inSecond.contains(index),
                start,
                pageSize,
                expiry,
                index -> new ChangedBlock(
                        index,
                        inFirst.contains(index)
                                ? Optional.of(blockToken(caller, first, index, expiry))
                                : Optional.empty(),
                        inSecond.contains(index)
                                ? Optional.of(blockToken(caller, second, index, expiry))
                                : Optional.empty()));
    }

    /**
     * The bytes of block {@code blockIndex} of an available snapshot, given a block token a listing handed this
     * caller's project for that block: exactly {@link SnapshotBlocks#BLOCK_SIZE} of them.
     */
    public BlockData block(Caller caller, String snapshotId, String blockIndex, Optional<String> token) {
        Snapshot snapshot = readable(caller, snapshotId);
        long blocks = Math.ceilDiv(snapshot.volumeSize() * GIB, SnapshotBlocks.BLOCK_SIZE);
        if (!BLOCK_INDEX.matcher(blockIndex).matches() || Long.parseLong(blockIndex) >= blocks) {
            throw CairnException.invalidInput(
                    "block_index must be an integer from 0 to " + (blocks - 1) + " for snapshot " + snapshot.id());
        }
        long index = Long.parseLong(blockIndex);
        Claims claims = tokens.verify(
                token.filter(text -> !text.isEmpty())
                        .orElseThrow(() -> CairnException.invalidInput(
                                "token is required: the block_token a blocks or changed-blocks listing gave")),
                Kind.BLOCK,
                "token");
        requireUnexpired(claims, "token", "list the blocks again for new tokens");
        if (!claims.projectId().equals(caller.projectId())) {
            throw CairnException.invalidInput("token was issued to another project");
        }
        if (!claims.snapshotId().equals(snapshot.id())) {
            throw CairnException.invalidInput("token is for another snapshot, not " + snapshot.id());
        }
        if (claims.blockIndex() != index) {
            throw CairnException.invalidInput("token is for block " + claims.blockIndex() + ", not " + index);
        }
        ByteBuffer bytes = ByteBuffer.allocate(SnapshotBlocks.BLOCK_SIZE);
        try (BlockDevice device = data.open(snapshot.volumeId(), Optional.of(snapshot.id()), false)) {
            device.read(index * SnapshotBlocks.BLOCK_SIZE, bytes);
        } catch (IOException e) {
            throw engineFailure(e, snapshot.id());
        }
        return new BlockData(bytes.array(), sha256(bytes.array()));
    }

    /** A snapshot the caller may read the blocks of: found in its scope, allowed as a show is, and available. */
    private Snapshot readable(Caller caller, String snapshotId) {
        Snapshot snapshot = Lookup.snapshot(snapshots, caller, snapshotId);
        Policy.GET_SNAPSHOT.authorize(caller);
        requireAvailable(snapshot);
        return snapshot;
    }

    private static void requireAvailable(Snapshot snapshot) {
        if (snapshot.status() != SnapshotStatus.AVAILABLE) {
            throw CairnException.invalidSnapshot("Snapshot " + snapshot.id()
                    + " must be available to read its blocks, but the current status is \""
                    + snapshot.status().wire() + "\".");
        }
    }

    /** The older snapshot a changed-blocks listing compares with: another available snapshot of the same volume. */
    private Snapshot older(Caller caller, Snapshot second, Optional<String> fromSnapshotId) {
        String fromId = fromSnapshotId
                .filter(id -> !id.isEmpty())
                .orElseThrow(() -> CairnException.invalidInput(
                        "from_snapshot_id is required: the older snapshot to compare with"));
        if (fromId.equals(second.id())) {
            throw CairnException.invalidSnapshot(
                    "from_snapshot_id must be an older snapshot of the same volume, not the snapshot itself.");
        }
        Snapshot first = Lookup.snapshot(snapshots, caller, fromId);
        if (!first.volumeId().equals(second.volumeId())) {
            throw CairnException.invalidSnapshot("Snapshot " + first.id() + " is of volume " + first.volumeId()
                    + ", not of volume " + second.volumeId() + " of snapshot " + second.id() + ".");
        }
        requireAvailable(first);
        if (!first.createdAt().isBefore(second.createdAt())) {
            throw CairnException.invalidSnapshot("Snapshot " + first.id() + " is not older than snapshot " + second.id()
                    + ": from_snapshot_id must be the older one.");
        }
        return first;
    }

    /** {@code limit} as Cinder reads it (at most {@link ListRules#MAX_LIMIT}), but at least one block per page. */
    private static int pageSize(Optional<String> limit) {
        int size = ListRules.parseLimit(limit.orElse(null));
        if (size == 0) {
            throw CairnException.badRequest("limit param must be greater than 0");
        }
        return size;
    }

    /** Now plus the lifetime, rounded up to the second that tokens carry: never shorter than configured. */
    private Instant expiry() {
        Instant end = clock.instant().plus(tokenLifetime);
        Instant whole = end.truncatedTo(ChronoUnit.SECONDS);
        return whole.equals(end) ? end : whole.plusSeconds(1);
    }

    /** The block index a listing resumes at: 0 without a next token, the token's when it belongs to this listing. */
    private long resume(Caller caller, Optional<String> nextToken, Snapshot snapshot, Optional<String> fromSnapshotId) {
        if (nextToken.isEmpty()) {
            return 0;
        }
        Claims claims = tokens.verify(nextToken.get(), Kind.PAGE, "next_token");
        requireUnexpired(claims, "next_token", "list again from the start");
        if (!claims.projectId().equals(caller.projectId())
                || !claims.snapshotId().equals(snapshot.id())
                || !claims.fromSnapshotId().equals(fromSnapshotId)) {
            throw CairnException.invalidInput(
                    "next_token belongs to another listing (another project, snapshot or from_snapshot_id)");
        }
        return claims.blockIndex();
    }

    private void requireUnexpired(Claims claims, String parameter, String remedy) {
        if (!clock.instant().isBefore(claims.expiry())) {
            throw CairnException.invalidInput(parameter + " expired at " + claims.expiry() + ": " + remedy);
        }
    }

    /** Up to {@code pageSize} of the candidates from {@code start} on, and a next token when one more remains. */
    private <T> Listing<T> page(
            Caller caller,
            Snapshot snapshot,
            Optional<String> fromSnapshotId,
            BlockRanges candidates,
            LongPredicate wanted,
            long start,
            int pageSize,
            Instant expiry,
            LongFunction<T> render) {
        long[] indices =
                candidates.from(start).filter(wanted).limit(pageSize + 1L).toArray();
        List<T> blocks = new ArrayList<>();
        for (int i = 0; i < Math.min(pageSize, indices.length); i++) {
            blocks.add(render.apply(indices[i]));
        }
        Optional<String> next = indices.length > pageSize
                ? Optional.of(tokens.sign(new Claims(
                        Kind.PAGE, caller.projectId(), snapshot.id(), fromSnapshotId, indices[pageSize], expiry)))
                : Optional.empty();
        return new Listing<>(blocks, snapshot.volumeSize(), expiry, next);
    }

    private String blockToken(Caller caller, Snapshot snapshot, long index, Instant expiry) {
        return tokens.sign(new Claims(Kind.BLOCK, caller.projectId(), snapshot.id(), Optional.empty(), index, expiry));
    }

    /** The engine's extents of the snapshot: where it differs from {@code fromSnapshotId}, or holds data without one. */
    private List<Extent> extents(Snapshot snapshot, Optional<String> fromSnapshotId) {
        try {
            return engine.changedExtents(snapshot.volumeId(), Optional.of(snapshot.id()), fromSnapshotId);
        } catch (IOException e) {
            throw engineFailure(e, snapshot.id());
        }
    }

    /**
     * What an engine failure tells the client: a snapshot deleted under the request is not found, a cluster that does
     * not answer is a 503; any other refusal means this class asked something wrong, a server error.
     */
    private static RuntimeException engineFailure(IOException failure, String snapshotId) {
        if (!(failure instanceof EngineException refusal)) {
            return CairnException.backendUnavailable(failure);
        }
        return switch (refusal.reason()) {
            case NOT_FOUND, STALE -> CairnException.snapshotNotFound(snapshotId);
            case UNAVAILABLE -> CairnException.backendUnavailable(refusal);
            case OUT_OF_RANGE, READ_ONLY, INVALID_ID, BUSY ->
                new IllegalStateException("reading the blocks of snapshot " + snapshotId, refusal);
        };
    }

    private static String sha256(byte[] bytes) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
