package io.cairn.backup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.SequencedSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one backup holds: the volume's size and, for each chunk of {@code chunkSize} bytes by index, the SHA-256 (lower
 * case hex) of its content, which is also the name of the object holding it ({@code chunks/<hash>}), or null for a
 * chunk of zeros, which has no object. The last chunk is shorter when the size is not a multiple of the chunk size.
 *
 * <p>The JSON form ({@link #toJson()}) is what the object store keeps as {@code backups/<id>/manifest.json}. Readers
 * ignore fields they do not know, so a later format may add some; a change that older readers would misread raises
 * {@code format_version}, which they refuse.
 *
 * @param container the bucket holding the backup's objects: where its manifest was read from, or written to
 * @param parentBackupId the backup this one was made incremental to; its chunks are listed here in full all the same,
 *     so a backup is restored from its own manifest alone
 * @param chunks by chunk index, the hash of each chunk, or null for a chunk of zeros
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("backup_id") String backupId,
        @JsonProperty("volume_id") String volumeId,
        @JsonProperty("container") String container,
        @JsonProperty("size_bytes") long sizeBytes,
        @JsonProperty("chunk_size") int chunkSize,
        @JsonProperty("parent_backup_id") Optional<String> parentBackupId,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("chunks") List<String> chunks) {
    /** The format this Cairn writes, and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    /** The chunk sizes a manifest may declare: bounds on the memory one chunk in flight takes. */
    static final int MIN_CHUNK_SIZE = 4 * 1024;

    static final int MAX_CHUNK_SIZE = 64 * 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /**
     * @throws IllegalArgumentException when the fields disagree: a hash that is not 64 lower-case hex digits, a chunk
     *     list whose length is not the number of chunks the size takes
     */
    public Manifest {
        requireNonNull(backupId, "backupId is null");
        requireNonNull(volumeId, "volumeId is null");
        requireNonNull(container, "container is null");
        requireNonNull(parentBackupId, "parentBackupId is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(chunks, "chunks is null");
        if (formatVersion < 1) {
            throw new IllegalArgumentException("format version " + formatVersion + " is below 1");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size " + sizeBytes + " is negative");
        }
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException(
                    "chunk size " + chunkSize + " is outside " + MIN_CHUNK_SIZE + "-" + MAX_CHUNK_SIZE);
        }
        if (chunks.size() != Chunks.count(sizeBytes, chunkSize)) {
            throw new IllegalArgumentException("the manifest lists " + chunks.size() + " chunks where a size of "
                    + sizeBytes + " bytes takes " + Chunks.count(sizeBytes, chunkSize));
        }
        for (String hash : chunks) {
            if (hash != null && !Chunks.isHash(hash)) {
                throw new IllegalArgumentException("'" + hash + "' is not a SHA-256 in lower-case hex");
            }
        }
        // A zero chunk is a null entry, which List.copyOf refuses.
        chunks = Collections.unmodifiableList(new ArrayList<>(chunks));
    }

    public int chunkCount() {
        return chunks.size();
    }

    /** The hash of chunk {@code index}, empty for a chunk of zeros. */
    public Optional<String> chunk(int index) {
        return Optional.ofNullable(chunks.get(index));
    }

    public long chunkOffset(int index) {
        return (long) index * chunkSize;
    }

    /** The chunk's length: the chunk size, less for a last chunk that the size cuts short. */
    public int chunkLength(int index) {
        return (int) Math.min(chunkSize, sizeBytes - chunkOffset(index));
    }

    /** The distinct hashes of the chunks that are not all zeros, in the order they first appear: the objects it uses. */
    public SequencedSet<String> hashes() {
        SequencedSet<String> hashes = new LinkedHashSet<>();
        for (String hash : chunks) {
            if (hash != null) {
                hashes.add(hash);
            }
        }
        return Collections.unmodifiableSequencedSet(hashes);
    }

    /** How many chunk objects the backup references: its distinct non-zero hashes (the manifest is not counted). */
    public int objectCount() {
        return hashes().size();
    }

    /** The same data as another backup's, for a backup imported from an exported record. */
    Manifest withBackupId(String otherBackupId) {
        return new Manifest(
                formatVersion,
                otherBackupId,
                volumeId,
                container,
                sizeBytes,
                chunkSize,
                parentBackupId,
                createdAt,
                chunks);
    }

    /** The same manifest as held by {@code container}. */
    Manifest withContainer(String container) {
        return new Manifest(
                formatVersion, backupId, volumeId, container, sizeBytes, chunkSize, parentBackupId, createdAt, chunks);
    }

    /** The JSON the object store keeps, in UTF-8. */
    public byte[] toJson() {
        return JSON.writeValueAsBytes(this);
    }

    /**
     * Reads a manifest from its JSON.
     *
     * @throws BackupStoreException {@code CORRUPT} when it is no manifest (not JSON, a field missing or wrong), and
     *     {@code INVALID} when it is of a newer format than {@link #FORMAT_VERSION}
     */
    public static Manifest fromJson(byte[] json) throws BackupStoreException {
        Manifest manifest;
        try {
            manifest = JSON.readValue(json, Manifest.class);
        } catch (JacksonException e) {
            throw new BackupStoreException(
                    BackupStoreException.Reason.CORRUPT, "not a backup manifest: " + e.getOriginalMessage(), e);
        }
        if (manifest == null) {
            throw new BackupStoreException(BackupStoreException.Reason.CORRUPT, "not a backup manifest: null");
        }
        if (manifest.formatVersion() > FORMAT_VERSION) {
            throw new BackupStoreException(
                    BackupStoreException.Reason.INVALID,
                    "backup " + manifest.backupId() + " has a manifest of format " + manifest.formatVersion()
                            + ", newer than this Cairn reads (" + FORMAT_VERSION + ")");
        }
        return manifest;
    }
}
