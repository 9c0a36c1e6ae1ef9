package io.cairn.engine;

import io.cairn.engine.ChunkMap.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk engine on a local directory. Chunks live in fixed-size slots of one data file ({@code chunks});
 * each volume and snapshot has a map from chunk index to slot ({@code maps/volumes/<id>.map},
 * {@code maps/snapshots/<id>.map}). A snapshot copies the volume's map and shares every chunk; a write to a
 * shared chunk copies it to a new slot first. Reference counts are never stored: start-up recomputes them
 * from the maps, so they cannot disagree with the maps after a crash.
 *
 * <p>Durability, in write-ahead order: chunk data is written to its slot; a commit (FLUSH, FUA, or any
 * operation on whole maps) fsyncs the data file, then appends the changed map entries to the journal and
 * fsyncs it. Whole-map operations write their map file atomically after a commit. A slot whose last
 * reference is dropped is reused only after that change is durable, so a crash never lets a map see
 * another map's data. At start-up the journal is replayed onto the map files, the data file is cut after
 * the last referenced slot, and every unreferenced slot is free: nothing half-done leaks.
 *
 * <p>This class holds the commit and the checkpoint; {@link EngineRecovery} is the start-up pass,
 * {@link MapOperations} the whole-map operations, {@link MapComparison} the changed extents, {@link ChunkDevice}
 * block I/O, {@link ChunkCollector} the return of free space and {@link EngineAuditor} the audit.
 */
public final class LocalChunkEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(LocalChunkEngine.class);
    /** Chosen by bench/ChunkSizeBench.java; see BENCHMARKS.md. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;

    public static final int MIN_CHUNK_SIZE = 4 * 1024;
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    /** The journal is folded into the map files once it grows past this. */
    static final long CHECKPOINT_BYTES = 64L << 20;

    final int chunkSize;
    final Path root;
    final FileChannel data;
    private final Journal journal;
    final SlotAllocator slots;
    final Map<String, ChunkMap> volumes;
    final Map<String, ChunkMap> snapshots;
    /** Serialises commits and whole-map operations; see {@link MapOperations}. */
    final ReentrantLock commitLock = new ReentrantLock();
    /**
     * Block I/O holds this for reading while it uses slots; making freed slots reusable takes it for writing,
     * so no read still in flight can see a slot handed to another map.
     */
    final ReentrantReadWriteLock ioBarrier = new ReentrantReadWriteLock();

    final AtomicBoolean unsyncedData = new AtomicBoolean();
    final ByteBuffer zeros;
    /** Guarded by {@link #commitLock}. */
    private long lastLsn;

    private final MapOperations maps;
    private final MapComparison comparison;
    private final ChunkCollector collector;
    private volatile boolean closed;

    private LocalChunkEngine(Path root, EngineRecovery.Recovered recovered) {
        this.root = root;
        this.chunkSize = recovered.chunkSize();
        this.data = recovered.data();
        this.journal = recovered.journal();
        this.slots = recovered.slots();
        this.volumes = recovered.volumes();
        this.snapshots = recovered.snapshots();
        this.lastLsn = recovered.lastLsn();
        this.zeros = ByteBuffer.allocateDirect(chunkSize).asReadOnlyBuffer();
        this.maps = new MapOperations(this);
        this.comparison = new MapComparison(this);
        this.collector = new ChunkCollector(this);
    }

    /**
     * Opens (or creates) the engine under {@code root} and runs the recovery pass. An existing store keeps the
     * chunk size it was created with; {@code chunkSize} applies to new stores only.
     */
    public static LocalChunkEngine open(Path root, int chunkSize) throws IOException {
        EngineRecovery.Recovered recovered = EngineRecovery.run(root, chunkSize);
        LocalChunkEngine engine = new LocalChunkEngine(root, recovered);
        if (recovered.replayed() > 0) {
            engine.commitLock.lock();
            try {
                engine.checkpointLocked();
            } finally {
                engine.commitLock.unlock();
            }
        }
        SlotAllocator.Counts counts = engine.slots.counts();
        LOG.info(
                "chunk engine open at {}: {} volumes, {} snapshots, {} chunks of {} KiB in use, {} free slots, {} journal records replayed",
                root,
                engine.volumes.size(),
                engine.snapshots.size(),
                counts.inUse(),
                engine.chunkSize / 1024,
                counts.free(),
                recovered.replayed());
        engine.collector.start();
        return engine;
    }

    public int chunkSize() {
        return chunkSize;
    }

    // Whole-map operations.

    @Override
    public void createVolume(String volumeId, long sizeBytes) throws IOException {
        maps.createVolume(volumeId, sizeBytes);
    }

    @Override
    public void createVolumeFromSnapshot(String volumeId, String sourceVolumeId, String snapshotId, long sizeBytes)
            throws IOException {
        maps.copyVolume(volumeId, Kind.SNAPSHOT, snapshotId, sizeBytes);
    }

    /** {@inheritDoc} One structural operation over all the sources, as a group snapshot is. */
    @Override
    public void cloneVolumes(List<Clone> clones) throws IOException {
        maps.copyVolumes(clones);
    }

    @Override
    public void extendVolume(String volumeId, long newSizeBytes) throws IOException {
        maps.extendVolume(volumeId, newSizeBytes);
    }

    @Override
    public void revertToSnapshot(String volumeId, String snapshotId) throws IOException {
        maps.revertToSnapshot(volumeId, snapshotId);
    }

    /**
     * {@inheritDoc} A rerun for a snapshot that already exists keeps it as it is: it was frozen at the first
     * run's instant, and the volume may have changed since.
     */
    @Override
    public void createSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException {
        maps.createSnapshot(volumeId, snapshotId, progress);
    }

    /**
     * {@inheritDoc} One structural operation over all the volumes: their block I/O is held together, their chunk
     * tables copied together, between two commits.
     */
    @Override
    public void createGroupSnapshot(Map<String, String> snapshotIdsByVolume) throws IOException {
        maps.createGroupSnapshot(snapshotIdsByVolume);
    }

    @Override
    public void revertGroup(Map<String, String> snapshotIdsByVolume) throws IOException {
        maps.revertGroup(snapshotIdsByVolume);
    }

    @Override
    public void deleteSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException {
        maps.delete(Kind.SNAPSHOT, snapshotId);
    }

    @Override
    public Map<String, Long> snapshotSizes(Optional<String> volumeId) { // ids are unique here, whatever the volume
        Map<String, Long> sizes = new TreeMap<>();
        snapshots.forEach((id, map) -> sizes.put(id, map.sizeBytes));
        return sizes;
    }

    @Override
    public Optional<DirectAccess> directAccess(String volumeId) {
        return Optional.empty();
    }

    @Override
    public String host(String node) {
        return node + "@local#default";
    }

    /**
     * {@inheritDoc} Ranges are whole chunks (the last one cut at the size), and a chunk is changed when the two maps
     * map it to different slots. The answer for the volume itself is its content at one instant, taken as a snapshot
     * would take it: I/O on the volume waits for the comparison. Ids are unique across volumes and snapshots here, and the engine
     * does not record which volume a snapshot was taken of, so {@code fromSnapshotId} may be any snapshot: one of
     * another volume compares as well (a volume made from a snapshot, or cloned, shares that snapshot's chunks), and
     * {@code volumeId} only has to exist. Holds no commit lock and writes nothing.
     */
    @Override
    public List<Extent> changedExtents(String volumeId, Optional<String> snapshotId, Optional<String> fromSnapshotId)
            throws IOException {
        return comparison.changedExtents(volumeId, snapshotId, fromSnapshotId);
    }

    @Override
    public void deleteVolume(String volumeId) throws IOException {
        maps.delete(Kind.VOLUME, volumeId);
    }

    // Block access.

    @Override
    public BlockDevice open(String volumeId, Optional<String> snapshotId, boolean writable) throws EngineException {
        return open(snapshotId.orElse(volumeId), writable);
    }

    /** Opens a volume or snapshot by its id alone: ids are unique across both here. */
    public BlockDevice open(String id, boolean writable) throws EngineException {
        if (closed) {
            throw new EngineException(EngineException.Reason.STALE, "the chunk engine is closed");
        }
        ChunkMap volume = volumes.get(id);
        if (volume != null) {
            return new ChunkDevice(this, volume, writable);
        }
        ChunkMap snapshot = snapshots.get(id);
        if (snapshot == null) {
            throw new EngineException(EngineException.Reason.NOT_FOUND, "no volume or snapshot " + id);
        }
        if (writable) {
            throw new EngineException(EngineException.Reason.READ_ONLY, "snapshot " + id + " is read-only");
        }
        return new ChunkDevice(this, snapshot, false);
    }

    // Commit, checkpoint, collection.

    /** Makes every completed write durable: data first, then the map changes that point at it. */
    public void commit() throws IOException {
        commitLock.lock();
        try {
            requireOpen();
            commitLocked();
        } finally {
            commitLock.unlock();
        }
    }

    void commitLocked() throws IOException {
        // Taken before the map changes are gathered: every slot freed so far has its unmapping among them.
        List<Long> freed = slots.takePending();
        List<Journal.Record> records = new ArrayList<>();
        List<ChunkMap> journaled = new ArrayList<>();
        for (ChunkMap map : volumes.values()) {
            map.mutex.lock();
            try {
                if (map.unjournaled.isEmpty() || map.deleted) {
                    continue;
                }
                long[] indexes = new long[map.unjournaled.size()];
                long[] mapped = new long[indexes.length];
                int i = 0;
                for (long index : map.unjournaled) {
                    indexes[i] = index;
                    mapped[i++] = map.table.get(index);
                }
                map.unjournaled = new HashSet<>();
                records.add(new Journal.Record(++lastLsn, map.id, indexes, mapped));
                journaled.add(map);
            } finally {
                map.mutex.unlock();
            }
        }
        if (unsyncedData.getAndSet(false) || !records.isEmpty()) {
            data.force(false);
        }
        if (!records.isEmpty()) {
            journal.append(records);
            journaled.forEach(map -> map.journaledSinceFile = true);
        }
        if (!freed.isEmpty()) {
            ioBarrier.writeLock().lock();
            try {
                slots.free(freed);
            } finally {
                ioBarrier.writeLock().unlock();
            }
        }
        if (journal.sizeBytes() > CHECKPOINT_BYTES) {
            checkpointLocked();
        }
    }

    /** The journal position for a new map file; the caller holds {@link #commitLock}. */
    long nextLsnLocked() {
        return ++lastLsn;
    }

    /** Folds the journal into the map files of the volumes it touched, then starts an empty journal. */
    private void checkpointLocked() throws IOException {
        record Capture(ChunkMap map, long sizeBytes, ChunkTable table) {}
        List<Capture> captures = new ArrayList<>();
        for (ChunkMap map : volumes.values()) {
            map.mutex.lock();
            try {
                if (!map.deleted && (map.journaledSinceFile || !map.unjournaled.isEmpty())) {
                    captures.add(new Capture(map, map.sizeBytes, map.table.copy(0)));
                }
            } finally {
                map.mutex.unlock();
            }
        }
        data.force(false); // the captured entries may point at data written since the last commit
        long lsn = ++lastLsn;
        for (Capture capture : captures) {
            MapFile.write(
                    mapFile(Kind.VOLUME, capture.map().id), capture.sizeBytes(), lsn, capture.table(), written -> {});
            capture.map().fileLsn = lsn;
            capture.map().journaledSinceFile = false;
        }
        journal.reset(lsn);
    }

    /** Commits, then gives back the free slots at the end of the data file to the file system. */
    public void collect() throws IOException {
        commitLock.lock();
        try {
            requireOpen();
            commitLocked();
            collector.trimLocked();
        } finally {
            commitLock.unlock();
        }
    }

    /** What the engine holds, checked against what is on disk. Meant for tests and operators, on an idle engine. */
    public record Audit(
            int volumes,
            int snapshots,
            long referencedChunks,
            long freeSlots,
            long dataFileSlots,
            long orphanSlots,
            boolean memoryMatchesDisk) {}

    public Audit audit() throws IOException {
        commitLock.lock();
        try {
            requireOpen();
            commitLocked();
            return EngineAuditor.audit(this);
        } finally {
            commitLock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        commitLock.lock();
        try {
            if (closed) {
                return;
            }
            commitLocked();
            closed = true;
        } finally {
            commitLock.unlock();
        }
        collector.stop();
        journal.close();
        data.close();
    }

    /** Stops without committing anything, as a killed process would; the next open runs the recovery pass. */
    void abandon() throws IOException {
        closed = true;
        collector.stop();
        journal.close();
        data.close();
    }

    // Helpers.

    boolean closed() {
        return closed;
    }

    void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("the chunk engine is closed");
        }
    }

    long chunkCount(long sizeBytes) {
        return MapFile.chunkCount(sizeBytes, chunkSize);
    }

    Path mapFile(Kind kind, String id) {
        return root.resolve("maps").resolve(kind.directory).resolve(id + MapFile.SUFFIX);
    }

    void readFully(long position, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            int read = data.read(into, position);
            if (read < 0) {
                // Past the end of the file: a fresh slot never written this far reads as zeros.
                while (into.hasRemaining()) {
                    into.put((byte) 0);
                }
                return;
            }
            position += read;
        }
    }

    void writeFully(long position, ByteBuffer from) throws IOException {
        while (from.hasRemaining()) {
            position += data.write(from, position);
        }
    }
}
