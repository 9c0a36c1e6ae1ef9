package io.cairn.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.backup.BackupStoreException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestTest {
    /** The chunk size backups were first made with: their manifests must still read as they were written. */
    private static final int CHUNK = 4 * 1024 * 1024;

    private static final String A = "a".repeat(64);
    private static final String B = "0123456789abcdef".repeat(4);

    /** The format as the object store keeps it: a change here is a change of format_version, or a compatible one. */
    private static final String JSON = """
            {"format_version":1,"backup_id":"backup-2","volume_id":"vol","container":"backups","size_bytes":12582913,\
            "chunk_size":4194304,"parent_backup_id":"backup-1","created_at":"2026-12-03T12:00:00.123456789Z",\
            "chunks":["%s",null,"%s","%s"]}""".formatted(A, B, A);

    private static Manifest manifest() {
        return new Manifest(
                1,
                "backup-2",
                "vol",
                "backups",
                3L * CHUNK + 1,
                CHUNK,
                Optional.of("backup-1"),
                Instant.parse("2026-12-03T12:00:00.123456789Z"),
                Arrays.asList(A, null, B, A));
    }

    @Test
    void aManifestIsWrittenInTheStoredFormatAndReadBackTheSame() throws BackupStoreException {
        assertThat(new String(manifest().toJson(), StandardCharsets.UTF_8)).isEqualTo(JSON);
        assertThat(Manifest.fromJson(JSON.getBytes(StandardCharsets.UTF_8))).isEqualTo(manifest());
    }

    @Test
    void theObjectsOfAManifestAreItsDistinctChunksThatAreNotZeros() {
        Manifest manifest = manifest();

        assertThat(manifest.hashes()).containsExactly(A, B);
        assertThat(manifest.objectCount()).isEqualTo(2);
        assertThat(manifest.chunk(1)).isEmpty();
        assertThat(manifest.chunk(2)).contains(B);
        assertThat(manifest.chunkOffset(3)).isEqualTo(3L * CHUNK);
        assertThat(manifest.chunkLength(3)).isEqualTo(1);
        assertThat(manifest.chunkLength(2)).isEqualTo(CHUNK);
    }

    @Test
    void fieldsALaterFormatAddsAreIgnoredAndAFullBackupHasNoParent() throws BackupStoreException {
        String later = JSON.replace("\"format_version\":1,", "\"format_version\":1,\"compression\":\"none\",")
                .replace("\"parent_backup_id\":\"backup-1\",", "");

        Manifest manifest = Manifest.fromJson(later.getBytes(StandardCharsets.UTF_8));

        assertThat(manifest.parentBackupId()).isEmpty();
        assertThat(manifest.chunks()).isEqualTo(manifest().chunks());
    }

    @Test
    void aNewerFormatIsRefusedAsInvalid() {
        byte[] newer =
                JSON.replace("\"format_version\":1", "\"format_version\":2").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Manifest.fromJson(newer))
                .isInstanceOfSatisfying(
                        BackupStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
                .hasMessage("backup backup-2 has a manifest of format 2, newer than this Cairn reads (1)");
    }

    @Test
    void whatIsNoManifestIsCorrupt() {
        for (String json : List.of(
                "not json",
                "null",
                "{\"format_version\":1}",
                JSON.replace("\"size_bytes\":12582913", "\"size_bytes\":1"),
                JSON.replace(B, "../../etc"),
                JSON.replace("\"chunk_size\":4194304", "\"chunk_size\":null"))) {
            assertThatThrownBy(() -> Manifest.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                    .as(json)
                    .isInstanceOfSatisfying(
                            BackupStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                    .hasMessageStartingWith("not a backup manifest: ");
        }
    }

    @Test
    void aChunkListThatDisagreesWithTheSizeIsRefused() {
        assertThatThrownBy(() ->
                        new Manifest(1, "b", "v", "c", 2L * CHUNK, CHUNK, Optional.empty(), Instant.EPOCH, List.of(A)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the manifest lists 1 chunks where a size of 8388608 bytes takes 2");
    }
}
