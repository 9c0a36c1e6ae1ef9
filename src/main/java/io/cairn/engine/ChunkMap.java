package io.cairn.engine;

import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The live map of one volume or snapshot. Block I/O holds {@link #structure} for reading; operations that
 * replace or share the whole map (snapshot, clone, revert, delete) hold it for writing, so they never see a
 * write half-done. {@link #mutex} guards the table itself and the set of changes not yet journaled.
 */
final class ChunkMap {
    enum Kind {
        VOLUME("volumes"),
        SNAPSHOT("snapshots");

        final String directory;

        Kind(String directory) {
            this.directory = directory;
        }
    }

    /**
     * The one order in which an operation that holds several maps' {@link #structure} locks takes them, so two
     * operations on overlapping maps cannot deadlock.
     */
    static final Comparator<ChunkMap> LOCK_ORDER =
            Comparator.comparing((ChunkMap map) -> map.kind).thenComparing(map -> map.id);

    final String id;
    final Kind kind;
    final ReentrantReadWriteLock structure = new ReentrantReadWriteLock();
    final ReentrantLock mutex = new ReentrantLock();
    /** Guarded by {@link #mutex}. */
    ChunkTable table;
    /** Guarded by {@link #mutex}: indexes changed since the last commit. */
    Set<Long> unjournaled = new HashSet<>();
    /** Changed under {@link #structure}'s write lock. */
    volatile long sizeBytes;
    /** Bumped when the content is replaced or deleted; devices opened before stop working. */
    volatile long generation;

    volatile boolean deleted;
    /** Guarded by the engine's commit lock: the journal position the map file includes. */
    long fileLsn;
    /** Guarded by the engine's commit lock: the journal holds records newer than the map file. */
    boolean journaledSinceFile;

    ChunkMap(String id, Kind kind, long sizeBytes, ChunkTable table) {
        this.id = id;
        this.kind = kind;
        this.sizeBytes = sizeBytes;
        this.table = table;
    }
}
