package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Dialect;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.SnapshotBlocks;
import io.cairn.domain.SnapshotIngest;
import io.cairn.domain.SnapshotIngestStatus;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.domain.VolumeWork;
import io.cairn.engine.BlockDevice;
import io.cairn.engine.BlockStore;
import io.cairn.engine.EngineException;
import io.cairn.store.Database;
import io.cairn.store.SnapshotIngestStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.VolumeStore;
import io.cairn.task.TaskQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot ingests, the EBS direct APIs' StartSnapshot, PutSnapshotBlock and CompleteSnapshot in Cinder's terms.
 * An ingest writes into a staging volume of the project (made as any volume, from the parent snapshot when there is
 * one, and charged to the quota) that stays in maintenance while the ingest is open, so nothing else exports,
 * attaches or changes it; completion verifies the blocks received (count and aggregated checksum) and takes the
 * volume's snapshot through {@link SnapshotService}'s path, still in maintenance, and the sweep makes the volume
 * available once the snapshot is taken. An ingest aborted, or
 * open past its timeout, loses its staging volume through the ordinary volume deletion, which gives the quota back.
 */
public final class SnapshotIngestService {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotIngestService.class);
    public static final String CHECKSUM_ALGORITHM = "SHA256";
    public static final String AGGREGATION_METHOD = "LINEAR";
    private static final int SHA256_BYTES = 32;
    /** How many unfinished blocks a refused completion names. */
    private static final int NAMED_BLOCKS = 10;

    private final Database database;
    private final SnapshotIngestStore ingests;
    private final VolumeStore volumeStore;
    private final SnapshotStore snapshotStore;
    private final VolumeService volumes;
    private final SnapshotService snapshots;
    private final BlockStore blocks;
    private final TaskQueue tasks;
    private final Clock clock;
    private final String host;

    /** @param host Cinder's host string of this node's backend: blocks are written where the staging volume is */
    public SnapshotIngestService(
            Database database,
            SnapshotIngestStore ingests,
            VolumeStore volumeStore,
            SnapshotStore snapshotStore,
            VolumeService volumes,
            SnapshotService snapshots,
            BlockStore blocks,
            TaskQueue tasks,
            Clock clock,
            String host) {
        this.database = database;
        this.ingests = ingests;
        this.volumeStore = volumeStore;
        this.snapshotStore = snapshotStore;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.blocks = blocks;
        this.tasks = tasks;
        this.clock = clock;
        this.host = host;
    }

    /** An ingest as a client sees it: its row, the status that follows from its staging volume, its snapshot's status. */
    public record Shown(SnapshotIngest ingest, String status, Optional<String> snapshotStatus) {}

    /** A started ingest; {@code created} is false when the client token named one started before. */
    public record Started(Shown ingest, boolean created) {}

    public Started start(Caller caller, SnapshotIngest.Request request) {
        Policy.CREATE_SNAPSHOT.authorize(caller);
        Policy.CREATE_VOLUME.authorize(caller);
        Instant now = now();
        Started started;
        try {
            started = database.transaction(tx -> startIn(tx, caller, request, now));
        } catch (IntegrityConstraintViolationException e) {
            // Another start with the same token committed first (PostgreSQL): answer with what it started.
            started = database.transaction(tx -> startIn(tx, caller, request, now));
        }
        if (started.created()) {
            tasks.wake();
        }
        return started;
    }

    private Started startIn(DSLContext tx, Caller caller, SnapshotIngest.Request request, Instant now) {
        if (request.clientToken().isPresent()) {
            Optional<SnapshotIngest> earlier = ingests.findByToken(
                    tx, caller.projectId(), request.clientToken().get());
            if (earlier.isPresent()) {
                if (!earlier.get().request().equals(request)) {
                    throw new CairnException(
                            ErrorCode.SNAPSHOT_INGEST_CONFLICT,
                            "Client token " + request.clientToken().get() + " already started snapshot ingest "
                                    + earlier.get().id() + " with other parameters.");
                }
                return new Started(shown(tx, earlier.get()), false);
            }
        }
        String id = UUID.randomUUID().toString();
        Volume staging = volumes.insert(
                tx,
                caller,
                new VolumeCreate(
                        request.volumeSize(),
                        "snapshot-ingest-" + id,
                        "Staging volume of snapshot ingest " + id,
                        null,
                        Map.of(),
                        request.parentSnapshotId().orElse(null),
                        null,
                        null,
                        false,
                        null),
                Dialect.CINDER,
                VolumeWork.CREATE_STAGING_VOLUME,
                now);
        SnapshotIngest ingest = new SnapshotIngest(
                id,
                caller.projectId(),
                caller.userId(),
                staging.id(),
                UUID.randomUUID().toString(),
                request,
                SnapshotIngestStatus.OPEN,
                now,
                null,
                expiry(request, now),
                0);
        ingests.insert(tx, ingest);
        return new Started(shown(tx, ingest), true);
    }

    public Shown get(Caller caller, String id) {
        return database.transaction(tx -> {
            SnapshotIngest ingest = lookup(tx, caller, id);
            Policy.GET_SNAPSHOT.authorize(caller);
            return shown(tx, ingest);
        });
    }

    /** Ends an open ingest and deletes its staging volume, as its timeout would. */
    public void abort(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            SnapshotIngest ingest = lookup(tx, caller, id);
            Policy.DELETE_SNAPSHOT.authorize(caller);
            if (!ingests.close(tx, id, SnapshotIngestStatus.ABORTED, now)) {
                throw notOpen(tx, ingest);
            }
            dropStaging(tx, ingest, now);
        });
        tasks.wake();
    }

    /** A block as a client sends it: the bytes and what its headers say of them. */
    public record BlockPut(long index, byte[] data, long declaredLength, String checksum, String checksumAlgorithm) {}

    /**
     * Writes one block into the staging volume, after its checksum is verified, and records it as received once the
     * data is durable. Putting a block again replaces it. Nothing is written when anything is refused.
     */
    public void putBlock(Caller caller, String id, BlockPut put) {
        requireAlgorithm(put.checksumAlgorithm());
        if (put.declaredLength() != SnapshotBlocks.BLOCK_SIZE || put.data().length != SnapshotBlocks.BLOCK_SIZE) {
            throw CairnException.invalidInput("a block is " + SnapshotBlocks.BLOCK_SIZE + " bytes; this one declares "
                    + put.declaredLength() + " and has " + put.data().length + ".");
        }
        byte[] expected = decodeChecksum(put.checksum());
        if (!MessageDigest.isEqual(expected, sha256().digest(put.data()))) {
            throw new CairnException(
                    ErrorCode.CHECKSUM_MISMATCH,
                    "The SHA256 checksum of block " + put.index() + " does not match the data received.");
        }
        Instant now = now();
        String writer = UUID.randomUUID().toString();
        SnapshotIngest ingest = database.transaction(tx -> {
            SnapshotIngest found = lookup(tx, caller, id);
            Policy.CREATE_SNAPSHOT.authorize(caller);
            if (put.index() < 0 || put.index() >= found.blockCount()) {
                throw CairnException.invalidInput("block index " + put.index() + " is outside the volume's "
                        + found.blockCount() + " blocks (0 to " + (found.blockCount() - 1) + ").");
            }
            if (!ingests.touch(tx, id, expiry(found.request(), now), now)) {
                throw notOpen(tx, found);
            }
            Volume staging =
                    volumeStore.find(tx, found.volumeId(), Optional.empty()).orElseThrow(() -> notOpen(tx, found));
            if (staging.status() != VolumeStatus.MAINTENANCE) {
                throw notOpen(tx, found);
            }
            if (!host.equals(staging.host())) {
                throw new CairnException(
                        ErrorCode.SNAPSHOT_INGEST_CONFLICT,
                        "The blocks of snapshot ingest " + id + " are written on the node holding its staging volume ("
                                + staging.host() + "), not on this one (" + host + ").");
            }
            ingests.beginBlock(tx, id, put.index(), writer);
            return found;
        });
        try (BlockDevice device = blocks.open(ingest.volumeId(), Optional.empty(), true)) {
            device.write(put.index() * SnapshotBlocks.BLOCK_SIZE, ByteBuffer.wrap(put.data()), true);
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.NOT_FOUND || e.reason() == EngineException.Reason.STALE) {
                throw database.transaction(
                        tx -> notOpen(tx, ingest)); // aborted or expired while this block was written
            }
            throw CairnException.backendUnavailable(e);
        } catch (IOException e) {
            throw CairnException.backendUnavailable(e);
        }
        String checksum = Base64.getEncoder().encodeToString(expected);
        if (!database.transaction(tx -> ingests.endBlock(tx, id, put.index(), writer, checksum))) {
            throw new CairnException(
                    ErrorCode.SNAPSHOT_INGEST_CONFLICT,
                    "Block " + put.index() + " of snapshot ingest " + id
                            + " was put again while this put wrote it, or the ingest ended; put the block again if it is open.");
        }
    }

    /** What a completion request says of the blocks it expects received. */
    public record Completion(long changedBlocks, String checksum, String checksumAlgorithm, String aggregationMethod) {}

    /**
     * Verifies the blocks received against the client's count and LINEAR aggregated checksum (SHA-256 over the
     * blocks' binary checksums in ascending index order) and takes the snapshot of the staging volume, which stays in
     * maintenance until the sweep finds the snapshot taken. A refusal leaves the ingest open, to put blocks again and retry.
     */
    public Shown complete(Caller caller, String id, Completion completion) {
        requireAlgorithm(completion.checksumAlgorithm());
        if (!AGGREGATION_METHOD.equals(completion.aggregationMethod())) {
            throw CairnException.invalidInput("checksum_aggregation_method must be " + AGGREGATION_METHOD + ".");
        }
        byte[] expected = decodeChecksum(completion.checksum());
        Instant now = now();
        Shown shown = database.transaction(tx -> {
            SnapshotIngest ingest = lookup(tx, caller, id);
            Policy.CREATE_SNAPSHOT.authorize(caller);
            // The compare-and-set every put starts with: no put begins a block while this transaction runs.
            if (!ingests.touch(tx, id, expiry(ingest.request(), now), now)) {
                throw notOpen(tx, ingest);
            }
            if (!volumeStore.apply(tx, VolumeTransitions.INGEST_SNAPSHOT_SOURCE, ingest.volumeId(), now)) {
                throw notOpen(tx, ingest);
            }
            long received = verify(tx, ingest, completion.changedBlocks(), expected);
            ingests.complete(tx, id, received, now);
            Volume staging = Lookup.volume(volumeStore, tx, caller, ingest.volumeId());
            SnapshotIngest.Request request = ingest.request();
            snapshots.take(
                    tx,
                    caller,
                    staging,
                    ingest.snapshotId(),
                    new SnapshotCreate(
                            staging.id(),
                            request.name().orElse(null),
                            request.description().orElse(null),
                            Optional.empty(),
                            request.metadata()),
                    now);
            return shown(tx, lookup(tx, caller, id));
        });
        tasks.wake();
        return shown;
    }

    /** The received blocks' count, once it and their aggregated checksum are what the client expects. */
    private long verify(DSLContext tx, SnapshotIngest ingest, long expectedCount, byte[] expectedChecksum) {
        MessageDigest aggregate = sha256();
        List<Long> unfinished = new ArrayList<>();
        long[] received = {0};
        ingests.forEachBlock(tx, ingest.id(), block -> {
            if (block.writer().isPresent() || block.checksum().isEmpty()) {
                unfinished.add(block.index());
            } else {
                aggregate.update(Base64.getDecoder().decode(block.checksum().get()));
                received[0]++;
            }
        });
        if (!unfinished.isEmpty()) {
            throw new CairnException(
                    ErrorCode.SNAPSHOT_INGEST_CONFLICT,
                    unfinished.size() + " blocks of snapshot ingest " + ingest.id()
                            + " were not received whole (a put failed, was interrupted or raced another put of the same "
                            + "block); put them again: "
                            + unfinished.subList(0, Math.min(NAMED_BLOCKS, unfinished.size()))
                            + (unfinished.size() > NAMED_BLOCKS ? " and more." : "."));
        }
        if (received[0] != expectedCount) {
            throw new CairnException(
                    ErrorCode.CHECKSUM_MISMATCH,
                    "Snapshot ingest " + ingest.id() + " received " + received[0] + " blocks, not " + expectedCount
                            + ".");
        }
        if (!MessageDigest.isEqual(aggregate.digest(), expectedChecksum)) {
            throw new CairnException(
                    ErrorCode.CHECKSUM_MISMATCH,
                    "The aggregated checksum does not match the " + received[0] + " blocks snapshot ingest "
                            + ingest.id() + " received.");
        }
        return received[0];
    }

    /**
     * Cleans up every open ingest past its timeout: each is expired by one compare-and-set, so under several nodes
     * exactly one of them deletes its staging volume. Then gives back, as available, the staging volume of every
     * completed ingest whose snapshot is no longer being taken. Safe to run at any time on any node.
     *
     * @return how many ingests this call expired or released the staging volume of
     */
    public int sweep() {
        Instant now = now();
        int released = 0;
        for (String id : ingests.holdingIds()) {
            if (database.transaction(tx -> release(tx, id, now))) {
                released++;
            }
        }
        int expired = 0;
        for (String id : ingests.expiredIds(now)) {
            boolean mine = database.transaction(tx -> {
                if (!ingests.expire(tx, id, now)) {
                    return false;
                }
                dropStaging(tx, ingests.find(tx, id, Optional.empty()).orElseThrow(), now);
                return true;
            });
            if (mine) {
                LOG.info("snapshot ingest {} expired: its staging volume is deleted", id);
                expired++;
            }
        }
        if (expired > 0) {
            tasks.wake();
        }
        return released + expired;
    }

    /** Ends the hold of a completed ingest on its staging volume once its snapshot is taken or failed. */
    private boolean release(DSLContext tx, String id, Instant now) {
        SnapshotIngest ingest = ingests.find(tx, id, Optional.empty()).orElseThrow();
        boolean taking = snapshotStore
                .find(tx, ingest.snapshotId(), Optional.empty())
                .filter(snapshot -> snapshot.status() == SnapshotWork.CREATE_SNAPSHOT.running())
                .isPresent();
        return !taking && volumeStore.apply(tx, VolumeTransitions.END_INGEST, ingest.volumeId(), now);
    }

    /** The staging volume goes as a force-deleted volume does (its deletion gives the quota back), with the blocks. */
    private void dropStaging(DSLContext tx, SnapshotIngest ingest, Instant now) {
        if (volumeStore.apply(tx, VolumeTransitions.FORCE_DELETE, ingest.volumeId(), now)) {
            tasks.enqueue(tx, VolumeWork.DELETE_VOLUME, ingest.volumeId());
        } else {
            LOG.warn(
                    "the staging volume {} of snapshot ingest {} could not be deleted", ingest.volumeId(), ingest.id());
        }
        ingests.deleteBlocks(tx, ingest.id());
    }

    private Shown shown(DSLContext tx, SnapshotIngest ingest) {
        Optional<VolumeStatus> staging =
                volumeStore.find(tx, ingest.volumeId(), Optional.empty()).map(Volume::status);
        Optional<String> snapshot = snapshotStore
                .find(tx, ingest.snapshotId(), Optional.empty())
                .map(found -> found.status().wire());
        return new Shown(ingest, ingest.status(staging), snapshot);
    }

    /** Why an ingest takes no block or completion now, in the words of the status a client sees. */
    private CairnException notOpen(DSLContext tx, SnapshotIngest ingest) {
        String status = shown(
                        tx, ingests.find(tx, ingest.id(), Optional.empty()).orElse(ingest))
                .status();
        String detail = switch (status) {
            case "creating" -> "; its staging volume is still being created, retry once the ingest is open";
            case "error" -> "; its staging volume could not be made, delete the ingest";
            default -> "";
        };
        return new CairnException(
                ErrorCode.SNAPSHOT_INGEST_CONFLICT,
                "Snapshot ingest " + ingest.id() + " is " + status + ", not open" + detail + ".");
    }

    private SnapshotIngest lookup(DSLContext tx, Caller caller, String id) {
        return ingests.find(tx, id, Lookup.scope(caller))
                .orElseThrow(() -> new CairnException(
                        ErrorCode.SNAPSHOT_INGEST_NOT_FOUND, "Snapshot ingest " + id + " could not be found."));
    }

    private static Instant expiry(SnapshotIngest.Request request, Instant now) {
        return now.plus(Duration.ofMinutes(request.timeoutMinutes()));
    }

    private static void requireAlgorithm(String algorithm) {
        if (!CHECKSUM_ALGORITHM.equals(algorithm)) {
            throw CairnException.invalidInput("the checksum algorithm must be " + CHECKSUM_ALGORITHM + ".");
        }
    }

    /** A base64 SHA-256 as a client sends it. */
    private static byte[] decodeChecksum(String checksum) {
        byte[] decoded;
        try {
            decoded = checksum == null ? new byte[0] : Base64.getDecoder().decode(checksum);
        } catch (IllegalArgumentException e) {
            decoded = new byte[0];
        }
        if (decoded.length != SHA256_BYTES) {
            throw CairnException.invalidInput("a checksum is a base64 SHA256 digest (" + SHA256_BYTES + " bytes).");
        }
        return decoded;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
