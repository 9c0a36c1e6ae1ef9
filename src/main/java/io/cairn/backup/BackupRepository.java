package io.cairn.backup;

import static java.util.Objects.requireNonNull;

import io.cairn.backup.BackupStoreException.Reason;
import io.cairn.config.CairnConfig.BackupConfig;
import io.cairn.engine.BlockDevice;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Backups of volumes as content-addressed objects in S3 buckets (Amazon S3, Ceph's RADOS Gateway, any server that
 * speaks S3). Thread-safe: any number of backups, restores and verifications may run at once.
 *
 * <p>Layout. Each backup names its container, a bucket (Cinder's per-backup container; {@link #defaultContainer()}
 * unless it names another), created on the first write to it. In the container:
 *
 * <ul>
 *   <li>{@code chunks/<sha256>}: the raw bytes of one chunk of {@link #CHUNK_SIZE} bytes (the last of a volume may be
 *       shorter), named by the SHA-256 of those bytes in lower-case hex. A chunk of zeros has no object. As the name
 *       is the content, backups share every chunk they have in common, whichever volume it came from, and an object
 *       is never rewritten with other bytes.
 *   <li>{@code backups/<backup-id>/manifest.json}: the backup's {@link Manifest}: format version, backup and volume
 *       ids, size, chunk size, parent backup, time of creation, and the hash of every chunk by index (null for
 *       zeros). Every backup lists all its chunks, an incremental one too, so it is restored from its own manifest.
 * </ul>
 *
 * <p>The manifest is written last, once every chunk it lists is stored: a backup without its manifest is not complete,
 * and {@link #readManifest} does not find it. Deleting a backup is {@link #deleteManifest} and then, for each chunk no
 * other backup references any more, {@link #deleteChunk}; which chunks those are is for the caller to know, from the
 * {@link ChunkClaims} it recorded.
 */
public final class BackupRepository implements Closeable {
    /**
     * The size of a chunk, and so of every chunk object but a volume's last: the unit an incremental backup uploads.
     * 1 MiB keeps a 1 MiB write's upload at one or two chunks (4 MiB made it four to eight) while a full backup stays
     * at a thousand objects per GiB; backups made with other sizes restore from their manifests as they are.
     */
    public static final int CHUNK_SIZE = 1024 * 1024;

    /** Chunks in flight at once by default: each takes a buffer of {@link #CHUNK_SIZE}. */
    public static final int DEFAULT_CONCURRENCY = 8;

    private final ObjectStore store;
    private final String defaultContainer;
    private final ChunkWriter writer;
    private final ChunkReader reader;

    private BackupRepository(ObjectStore store, String defaultContainer, int concurrency, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.defaultContainer = requireNonNull(defaultContainer, "defaultContainer is null");
        this.writer = new ChunkWriter(store, concurrency, clock);
        this.reader = new ChunkReader(store, concurrency);
    }

    /** {@link #open(BackupConfig, int)} with {@link #DEFAULT_CONCURRENCY}. */
    public static BackupRepository open(BackupConfig config) throws BackupStoreException {
        return open(config, DEFAULT_CONCURRENCY);
    }

    /**
     * Connects to the object store and creates the configured bucket when it does not exist, which also proves the
     * endpoint answers and takes the credentials.
     *
     * @param concurrency how many chunks one operation moves at once; its memory is about one more than that times
     *     {@link #CHUNK_SIZE}, whatever the volume's size
     * @throws BackupStoreException {@code UNAVAILABLE} when the endpoint cannot be reached, {@code DENIED} when it
     *     refuses the credentials (or there are none), {@code INVALID} for a bucket name it refuses; each message names
     *     the endpoint and what to check
     */
    public static BackupRepository open(BackupConfig config, int concurrency) throws BackupStoreException {
        requireNonNull(config, "config is null");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency " + concurrency + " is below 1");
        }
        ObjectStore store = ObjectStore.connect(config);
        try {
            store.ensureContainer(config.bucket());
        } catch (BackupStoreException e) {
            store.close();
            throw e;
        }
        return new BackupRepository(store, config.bucket(), concurrency, Clock.systemUTC());
    }

    /** The configured bucket: the container of a backup that names none. */
    public String defaultContainer() {
        return defaultContainer;
    }

    /**
     * Writes a backup of {@code source.device()}. Reads the chunks the changed extents touch in order; a chunk of zeros
     * is recorded as such, any other is claimed ({@link ChunkClaims}), then uploaded unless the container already holds
     * it. Chunks no extent touches are the parent's, claimed too but neither read nor looked up (the parent's manifest
     * vouches for them; {@link #verify} checks), or zeros without a parent. The manifest is written last.
     *
     * <p>Idempotent: after a crash or a failure, writing the same backup again redoes the work, uploads only the chunks
     * the container does not hold yet, and replaces the manifest of an earlier complete run, if any, with its own.
     * Nothing else is ever replaced but an object of the wrong length under a chunk's name.
     *
     * @param progress chunks done of the volume's chunks, bytes uploaded
     * @throws BackupStoreException when the store fails or refuses; {@code INVALID} for a container name it refuses
     * @throws IOException when the device cannot be read or {@code claims} fails; no manifest is written then
     */
    public WriteResult write(BackupSource source, ChunkClaims claims, Progress progress) throws IOException {
        requireNonNull(source, "source is null");
        requireNonNull(claims, "claims is null");
        return writer.write(source, claims, progress);
    }

    /**
     * The backup's manifest, as {@link #write} left it; empty when there is none (never written, not finished, deleted,
     * or the container does not exist).
     *
     * @throws BackupStoreException {@code CORRUPT} when the object is no manifest or is another backup's,
     *     {@code INVALID} when it is of a newer format than this Cairn reads
     */
    public Optional<Manifest> readManifest(String container, String backupId) throws BackupStoreException {
        requireNonNull(container, "container is null");
        requireNonNull(backupId, "backupId is null");
        Optional<byte[]> json = store.getAll(container, Chunks.manifestKey(backupId));
        if (json.isEmpty()) {
            return Optional.empty();
        }
        Manifest manifest;
        try {
            manifest = Manifest.fromJson(json.get());
        } catch (BackupStoreException e) {
            throw new BackupStoreException(
                    e.reason(), "the manifest of backup " + backupId + " in " + container + ": " + e.getMessage(), e);
        }
        if (!manifest.backupId().equals(backupId)) {
            throw new BackupStoreException(
                    Reason.CORRUPT,
                    "the manifest of backup " + backupId + " in " + container + " is backup " + manifest.backupId()
                            + "'s");
        }
        return Optional.of(manifest.withContainer(container));
    }

    /**
     * Writes the backup's content to {@code target} at the same offsets, each chunk checked against its SHA-256 before
     * it is written, then flushes the target. Chunks of zeros are left alone when {@code targetReadsZero} (a new, empty
     * volume) and made zeros otherwise; bytes past the backup's size are left as they are.
     *
     * @param progress chunks done of the backup's chunks, bytes downloaded
     * @throws BackupStoreException {@code INVALID} when the target is smaller than the backup or read-only,
     *     {@code NOT_FOUND} when a chunk's object is missing and {@code CORRUPT} when one does not match its hash (each
     *     naming the chunk); the target then holds part of the backup
     * @throws IOException when the target cannot be written
     */
    public void restore(Manifest manifest, BlockDevice target, boolean targetReadsZero, Progress progress)
            throws IOException {
        requireNonNull(manifest, "manifest is null");
        requireNonNull(target, "target is null");
        reader.restore(manifest, target, targetReadsZero, progress);
    }

    /**
     * Downloads every distinct chunk object the backup references and checks each against its hash.
     *
     * @param progress objects done of the backup's distinct objects, bytes downloaded
     * @throws BackupStoreException when the store cannot be read ({@code UNAVAILABLE}, {@code DENIED}); missing and
     *     corrupt objects are reported, not thrown
     */
    public VerifyReport verify(Manifest manifest, Progress progress) throws IOException {
        requireNonNull(manifest, "manifest is null");
        return reader.verify(manifest, progress);
    }

    /**
     * Writes a copy of a backup's manifest, in its container, as the manifest of {@code backupId}: a backup imported
     * from an exported record then restores and deletes on its own, its chunks shared with the original. The caller
     * claims the chunks for the new backup first.
     */
    public void copyManifest(Manifest manifest, String backupId) throws BackupStoreException {
        byte[] json = manifest.withBackupId(backupId).toJson();
        store.put(manifest.container(), Chunks.manifestKey(backupId), json, json.length);
    }

    /** Deletes the backup's manifest, after which the backup is gone; idempotent. */
    public void deleteManifest(String container, String backupId) throws BackupStoreException {
        store.delete(container, Chunks.manifestKey(backupId));
    }

    /**
     * Deletes a chunk object; idempotent. The caller makes sure no backup references it any more, and that no write
     * claims it while this runs.
     *
     * @throws IllegalArgumentException when {@code hash} is not a SHA-256 in lower-case hex
     */
    public void deleteChunk(String container, String hash) throws BackupStoreException {
        if (!Chunks.isHash(hash)) {
            throw new IllegalArgumentException("'" + hash + "' is not a SHA-256 in lower-case hex");
        }
        store.delete(container, Chunks.chunkKey(hash));
    }

    @Override
    public void close() {
        store.close();
    }
}
