package io.cairn.engine;

import io.cairn.engine.ChunkMap.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
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
 */
public final class LocalChunkEngine implements StorageEngine, BlockStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalChunkEngine.class);
    /** Chosen by bench/ChunkSizeBench.java; see BENCHMARKS.md. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    public static final int MIN_CHUNK_SIZE = 4 * 1024;
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    /** The journal is folded into the map files once it grows past this. */
    static final long CHECKPOINT_BYTES = 64L << 20;
    private static final long COLLECT_INTERVAL_MILLIS = 5_000;
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    final int chunkSize;
    private final Path root;
    final FileChannel data;
    private final Journal journal;
    final SlotAllocator slots;
    private final Map<String, ChunkMap> volumes;
    private final Map<String, ChunkMap> snapshots;
    private final ReentrantLock commitLock = new ReentrantLock();
    /**
     * Block I/O holds this for reading while it uses slots; making freed slots reusable takes it for writing,
     * so no read still in flight can see a slot handed to another map.
     */
    final ReentrantReadWriteLock ioBarrier = new ReentrantReadWriteLock();
    final AtomicBoolean unsyncedData = new AtomicBoolean();
    final ByteBuffer zeros;
    /** Guarded by {@link #commitLock}. */
    private long lastLsn;
    private final Thread collector;
    private volatile boolean closed;

    private LocalChunkEngine(Path root, int chunkSize, FileChannel data, Journal journal, SlotAllocator slots,
                             Map<String, ChunkMap> volumes, Map<String, ChunkMap> snapshots, long lastLsn) {
        this.root = root;
        this.chunkSize = chunkSize;
        this.data = data;
        this.journal = journal;
        this.slots = slots;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.lastLsn = lastLsn;
        this.zeros = ByteBuffer.allocateDirect(chunkSize).asReadOnlyBuffer();
        this.collector = Thread.ofVirtual().name("cairn-chunk-collector").unstarted(this::collectPeriodically);
    }

    /**
     * Opens (or creates) the engine under {@code root} and runs the recovery pass. An existing store keeps the
     * chunk size it was created with; {@code chunkSize} applies to new stores only.
     */
    public static LocalChunkEngine open(Path root, int chunkSize) throws IOException {
        Files.createDirectories(root.resolve("maps").resolve(Kind.VOLUME.directory));
        Files.createDirectories(root.resolve("maps").resolve(Kind.SNAPSHOT.directory));
        int effectiveChunkSize = EngineFormat.readOrCreate(root.resolve("format"), chunkSize);
        Map<String, ChunkMap> volumes = new ConcurrentHashMap<>();
        Map<String, ChunkMap> snapshots = new ConcurrentHashMap<>();
        long lastLsn = loadMaps(root, Kind.VOLUME, effectiveChunkSize, volumes);
        lastLsn = Math.max(lastLsn, loadMaps(root, Kind.SNAPSHOT, effectiveChunkSize, snapshots));

        Journal journal = Journal.open(root.resolve("journal"), lastLsn);
        lastLsn = Math.max(lastLsn, journal.baseLsn());
        List<Journal.Record> records = journal.replay();
        for (Journal.Record record : records) {
            lastLsn = Math.max(lastLsn, record.lsn());
            ChunkMap map = volumes.get(record.mapId());
            if (map != null && record.lsn() > map.fileLsn) {
                apply(map.table, record);
                map.journaledSinceFile = true;
            }
        }

        long maxSlot = -1;
        int[] refcounts = new int[16];
        for (ChunkMap map : concat(volumes, snapshots)) {
            long[] highest = {maxSlot};
            int[][] counts = {refcounts};
            map.table.forEach((index, slot) -> {
                if (slot >= counts[0].length) {
                    counts[0] = Arrays.copyOf(counts[0], (int) Math.max(slot + 1, counts[0].length * 2L));
                }
                counts[0][(int) slot]++;
                highest[0] = Math.max(highest[0], slot);
            });
            maxSlot = highest[0];
            refcounts = counts[0];
        }
        FileChannel data = FileChannel.open(root.resolve("chunks"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long referencedBytes = (maxSlot + 1) * effectiveChunkSize;
        if (data.size() > referencedBytes) {
            // Chunks past the last referenced slot were written but never committed: reclaim them.
            data.truncate(referencedBytes);
            data.force(true);
        }
        long highWater = Math.max(maxSlot + 1, (data.size() + effectiveChunkSize - 1) / effectiveChunkSize);
        SlotAllocator slots = new SlotAllocator(refcounts, highWater);
        LocalChunkEngine engine = new LocalChunkEngine(root, effectiveChunkSize, data, journal, slots, volumes, snapshots, lastLsn);
        if (!records.isEmpty()) {
            engine.commitLock.lock();
            try {
                engine.checkpointLocked();
            } finally {
                engine.commitLock.unlock();
            }
        }
        SlotAllocator.Counts counts = slots.counts();
        LOG.info("chunk engine open at {}: {} volumes, {} snapshots, {} chunks of {} KiB in use, {} free slots, {} journal records replayed",
                root, volumes.size(), snapshots.size(), counts.inUse(), effectiveChunkSize / 1024, counts.free(), records.size());
        engine.collector.start();
        return engine;
    }

    private static long loadMaps(Path root, Kind kind, int chunkSize, Map<String, ChunkMap> into) throws IOException {
        long lastLsn = 0;
        Path directory = root.resolve("maps").resolve(kind.directory);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.delete(file); // an atomic replacement the crash interrupted; the old map still stands
                } else if (name.endsWith(MapFile.SUFFIX)) {
                    MapFile.Contents contents = MapFile.read(file, chunkSize);
                    String id = name.substring(0, name.length() - MapFile.SUFFIX.length());
                    ChunkMap map = new ChunkMap(id, kind, contents.sizeBytes(), contents.table());
                    map.fileLsn = contents.lsn();
                    into.put(id, map);
                    lastLsn = Math.max(lastLsn, contents.lsn());
                }
            }
        }
        return lastLsn;
    }

    private static void apply(ChunkTable table, Journal.Record record) {
        for (int i = 0; i < record.indexes().length; i++) {
            long index = record.indexes()[i];
            if (index >= table.chunkCount()) {
                continue;
            }
            if (record.slots()[i] == ChunkTable.ABSENT) {
                table.remove(index);
            } else {
                table.put(index, record.slots()[i]);
            }
        }
    }

    private static List<ChunkMap> concat(Map<String, ChunkMap> first, Map<String, ChunkMap> second) {
        List<ChunkMap> all = new ArrayList<>(first.values());
        all.addAll(second.values());
        return all;
    }

    public int chunkSize() {
        return chunkSize;
    }

    // Whole-map operations. Each runs with the affected maps quiesced and the commit lock held, after a commit.

    @FunctionalInterface
    private interface MapOperation {
        void run() throws IOException;
    }

    private void structural(List<ChunkMap> quiesce, MapOperation operation) throws IOException {
        List<ChunkMap> ordered = quiesce.stream().filter(Objects::nonNull).distinct()
                .sorted(Comparator.comparing((ChunkMap m) -> m.kind).thenComparing(m -> m.id)).toList();
        ordered.forEach(m -> m.structure.writeLock().lock());
        try {
            commitLock.lock();
            try {
                requireOpen();
                for (ChunkMap map : ordered) {
                    if (map.deleted) {
                        throw new EngineException(EngineException.Reason.NOT_FOUND, map.kind + " " + map.id + " was deleted meanwhile");
                    }
                }
                commitLocked();
                operation.run();
                commitLocked(); // makes the slots the operation released reusable
            } finally {
                commitLock.unlock();
            }
        } finally {
            ordered.reversed().forEach(m -> m.structure.writeLock().unlock());
        }
    }

    @Override
    public void createVolume(String volumeId, long sizeBytes) throws IOException {
        requireId(volumeId);
        requireSize(sizeBytes);
        ChunkMap existing = volumes.get(volumeId);
        structural(listOf(existing), () -> install(Kind.VOLUME, volumeId, sizeBytes, new ChunkTable(chunkCount(sizeBytes)), existing));
    }

    @Override
    public void createVolumeFromSnapshot(String volumeId, String snapshotId, long sizeBytes) throws IOException {
        requireId(volumeId);
        requireSize(sizeBytes);
        ChunkMap source = require(Kind.SNAPSHOT, snapshotId);
        ChunkMap existing = volumes.get(volumeId);
        structural(listOf(existing, source), () -> copyInto(volumeId, source, sizeBytes, existing));
    }

    @Override
    public void cloneVolume(String volumeId, String sourceVolumeId, long sizeBytes) throws IOException {
        requireId(volumeId);
        requireSize(sizeBytes);
        ChunkMap source = require(Kind.VOLUME, sourceVolumeId);
        ChunkMap existing = volumes.get(volumeId);
        structural(listOf(existing, source), () -> copyInto(volumeId, source, sizeBytes, existing));
    }

    private void copyInto(String volumeId, ChunkMap source, long sizeBytes, ChunkMap existing) throws IOException {
        long size = Math.max(sizeBytes, source.sizeBytes);
        ChunkTable table = lockedCopy(source, chunkCount(size));
        install(Kind.VOLUME, volumeId, size, table, existing);
    }

    @Override
    public void extendVolume(String volumeId, long newSizeBytes) throws IOException {
        requireSize(newSizeBytes);
        ChunkMap volume = require(Kind.VOLUME, volumeId);
        structural(List.of(volume), () -> {
            if (newSizeBytes <= volume.sizeBytes) {
                return; // already this size: a rerun
            }
            ChunkTable table = lockedCopy(volume, chunkCount(newSizeBytes));
            long lsn = ++lastLsn;
            MapFile.write(mapFile(Kind.VOLUME, volumeId), newSizeBytes, lsn, table, written -> { });
            volume.mutex.lock();
            try {
                volume.table.grow(chunkCount(newSizeBytes));
                volume.sizeBytes = newSizeBytes;
            } finally {
                volume.mutex.unlock();
            }
            volume.fileLsn = lsn;
            volume.journaledSinceFile = false;
        });
    }

    @Override
    public void revertToSnapshot(String volumeId, String snapshotId) throws IOException {
        ChunkMap volume = require(Kind.VOLUME, volumeId);
        ChunkMap snapshot = require(Kind.SNAPSHOT, snapshotId);
        structural(List.of(volume, snapshot), () -> {
            long size = Math.max(volume.sizeBytes, snapshot.sizeBytes);
            ChunkTable table = lockedCopy(snapshot, chunkCount(size));
            long lsn = ++lastLsn;
            MapFile.write(mapFile(Kind.VOLUME, volumeId), size, lsn, table, written -> { });
            slots.retainAll(table);
            ChunkTable old;
            volume.mutex.lock();
            try {
                old = volume.table;
                volume.table = table;
                volume.unjournaled.clear();
                volume.sizeBytes = size;
                volume.generation++; // writers that were connected must reopen and see the reverted content
            } finally {
                volume.mutex.unlock();
            }
            slots.releaseAll(old);
            volume.fileLsn = lsn;
            volume.journaledSinceFile = false;
        });
    }

    /**
     * {@inheritDoc} A rerun for a snapshot that already exists keeps it as it is: it was frozen at the first
     * run's instant, and the volume may have changed since.
     */
    @Override
    public void createSnapshot(String volumeId, String snapshotId, Progress progress) throws IOException {
        requireId(snapshotId);
        if (!snapshots.containsKey(snapshotId)) {
            ChunkMap volume = require(Kind.VOLUME, volumeId);
            structural(List.of(volume), () -> {
                if (snapshots.containsKey(snapshotId)) {
                    return;
                }
                ChunkTable table = lockedCopy(volume, 0);
                ThrottledProgress reporter = new ThrottledProgress(progress, table.mapped());
                long lsn = ++lastLsn;
                MapFile.write(mapFile(Kind.SNAPSHOT, snapshotId), volume.sizeBytes, lsn, table, reporter::entriesDone);
                slots.retainAll(table);
                ChunkMap snapshot = new ChunkMap(snapshotId, Kind.SNAPSHOT, volume.sizeBytes, table);
                snapshot.fileLsn = lsn;
                snapshots.put(snapshotId, snapshot);
            });
        }
        progress.update(1.0);
    }

    @Override
    public void deleteSnapshot(String snapshotId) throws IOException {
        delete(Kind.SNAPSHOT, snapshotId);
    }

    @Override
    public Map<String, Long> snapshotSizes() {
        Map<String, Long> sizes = new TreeMap<>();
        snapshots.forEach((id, map) -> sizes.put(id, map.sizeBytes));
        return sizes;
    }

    @Override
    public void deleteVolume(String volumeId) throws IOException {
        delete(Kind.VOLUME, volumeId);
    }

    private void delete(Kind kind, String id) throws IOException {
        requireId(id);
        ChunkMap map = registry(kind).get(id);
        if (map == null) {
            return; // already gone: a rerun
        }
        structural(List.of(map), () -> {
            Files.deleteIfExists(mapFile(kind, id));
            MapFile.syncDirectory(mapFile(kind, id).getParent());
            registry(kind).remove(id, map);
            retire(map);
        });
    }

    /** Writes a new map file, then makes the map live, replacing (and releasing) any map it supersedes. */
    private void install(Kind kind, String id, long sizeBytes, ChunkTable table, ChunkMap replaced) throws IOException {
        long lsn = ++lastLsn;
        MapFile.write(mapFile(kind, id), sizeBytes, lsn, table, written -> { });
        slots.retainAll(table);
        ChunkMap map = new ChunkMap(id, kind, sizeBytes, table);
        map.fileLsn = lsn;
        if (replaced != null) {
            retire(replaced);
        }
        registry(kind).put(id, map);
    }

    private void retire(ChunkMap map) {
        ChunkTable table;
        map.mutex.lock();
        try {
            map.deleted = true;
            map.generation++;
            table = map.table;
            map.table = new ChunkTable(0);
            map.unjournaled.clear();
        } finally {
            map.mutex.unlock();
        }
        slots.releaseAll(table);
    }

    private static ChunkTable lockedCopy(ChunkMap map, long chunkCount) {
        map.mutex.lock();
        try {
            return map.table.copy(chunkCount);
        } finally {
            map.mutex.unlock();
        }
    }

    // Block access.

    @Override
    public BlockDevice open(String id, boolean writable) throws EngineException {
        requireOpenUnchecked();
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

    private void commitLocked() throws IOException {
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
                map.unjournaled = new java.util.HashSet<>();
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
            MapFile.write(mapFile(Kind.VOLUME, capture.map().id), capture.sizeBytes(), lsn, capture.table(), written -> { });
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
            slots.trimTail(slotCount -> {
                data.truncate(slotCount * chunkSize);
                data.force(true);
            });
        } finally {
            commitLock.unlock();
        }
    }

    private void collectPeriodically() {
        while (!closed) {
            try {
                Thread.sleep(COLLECT_INTERVAL_MILLIS);
                if (!closed) {
                    collect();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("chunk collection failed; will retry", e);
                }
            }
        }
    }

    /** What the engine holds, checked against what is on disk. Meant for tests and operators, on an idle engine. */
    public record Audit(int volumes, int snapshots, long referencedChunks, long freeSlots, long dataFileSlots,
                        long orphanSlots, boolean memoryMatchesDisk) {}

    public Audit audit() throws IOException {
        commitLock.lock();
        try {
            requireOpen();
            commitLocked();
            EngineAuditor.DiskState disk = EngineAuditor.readDisk(root, chunkSize);
            boolean mapsMatch = disk.maps().size() == volumes.size() + snapshots.size();
            for (ChunkMap map : concat(volumes, snapshots)) {
                map.mutex.lock();
                try {
                    mapsMatch &= EngineAuditor.sameEntries(disk.maps().get(map.kind + "/" + map.id), map.table);
                } finally {
                    map.mutex.unlock();
                }
            }
            int[] memory = slots.refcountsCopy();
            int[] fromDisk = Arrays.copyOf(disk.refcounts(), Math.max(memory.length, disk.refcounts().length));
            boolean refcountsMatch = Arrays.equals(Arrays.copyOf(memory, fromDisk.length), fromDisk);
            long referenced = Arrays.stream(fromDisk).filter(count -> count > 0).count();
            SlotAllocator.Counts counts = slots.counts();
            long fileSlots = (data.size() + chunkSize - 1) / chunkSize;
            long orphans = counts.highWater() - referenced - counts.free();
            return new Audit(volumes.size(), snapshots.size(), referenced, counts.free(), fileSlots, orphans,
                    mapsMatch && refcountsMatch);
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
        collector.interrupt();
        journal.close();
        data.close();
    }

    /** Stops without committing anything, as a killed process would; the next open runs the recovery pass. */
    void abandon() throws IOException {
        closed = true;
        collector.interrupt();
        journal.close();
        data.close();
    }

    // Helpers.

    long chunkCount(long sizeBytes) {
        return MapFile.chunkCount(sizeBytes, chunkSize);
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

    private Map<String, ChunkMap> registry(Kind kind) {
        return switch (kind) {
            case VOLUME -> volumes;
            case SNAPSHOT -> snapshots;
        };
    }

    private ChunkMap require(Kind kind, String id) throws EngineException {
        requireId(id);
        ChunkMap map = registry(kind).get(id);
        if (map == null) {
            throw new EngineException(EngineException.Reason.NOT_FOUND, "no " + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id);
        }
        return map;
    }

    private Path mapFile(Kind kind, String id) {
        return root.resolve("maps").resolve(kind.directory).resolve(id + MapFile.SUFFIX);
    }

    private static void requireId(String id) throws EngineException {
        if (id == null || !VALID_ID.matcher(id).matches()) {
            throw new EngineException(EngineException.Reason.INVALID_ID, "not a valid volume or snapshot id: " + id);
        }
    }

    private static void requireSize(long sizeBytes) {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("negative size " + sizeBytes);
        }
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("the chunk engine is closed");
        }
    }

    private void requireOpenUnchecked() throws EngineException {
        if (closed) {
            throw new EngineException(EngineException.Reason.STALE, "the chunk engine is closed");
        }
    }

    private static List<ChunkMap> listOf(ChunkMap... maps) {
        return Arrays.stream(maps).filter(Objects::nonNull).toList();
    }

    /** Reports progress at most every 200 ms, so a fast snapshot does not spend its time on reports. */
    private static final class ThrottledProgress {
        private final Progress progress;
        private final long total;
        private long lastReport = System.nanoTime();

        ThrottledProgress(Progress progress, long total) {
            this.progress = progress;
            this.total = Math.max(1, total);
        }

        void entriesDone(long entries) {
            long now = System.nanoTime();
            if (now - lastReport >= 200_000_000L && entries < total) {
                lastReport = now;
                progress.update((double) entries / total);
            }
        }
    }
}
