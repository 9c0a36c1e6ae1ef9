package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.config.CairnConfig.DatabaseConfig;
import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.store.Database;
import io.cairn.store.QuotaStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extend reservation, on a real database: Cinder's per-volume check, then the increase, reported as gigabytes. */
class QuotaServiceExtendTest {
    private static final String PROJECT = "7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a";
    private static final String ADMIN_PROJECT = "7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b";
    private static final Caller ADMIN = new Caller("admin", ADMIN_PROJECT, Set.of("admin"));

    @TempDir
    Path dataDir;

    Database database;
    QuotaService quotas;

    @BeforeEach
    void open() {
        database = Database.open(new DatabaseConfig("jdbc:sqlite:" + dataDir.resolve("cairn.db"), null, null, 2));
        quotas = new QuotaService(database, new QuotaStore(database), Map.of("volumes", 10L, "gigabytes", 1000L));
    }

    @AfterEach
    void close() {
        database.close();
    }

    private long inUse(String resource) {
        return quotas.show(ADMIN, PROJECT, Optional.of("true"))
                .quotas()
                .get(resource)
                .inUse();
    }

    private void createVolume(long size) {
        database.execute(
                tx -> quotas.reserve(tx, PROJECT, Map.of(QuotaService.VOLUMES, 1L, QuotaService.GIGABYTES, size)));
    }

    private void extend(String callerProject, long currentSize, long newSize) {
        database.execute(tx -> quotas.reserveExtend(tx, callerProject, PROJECT, currentSize, newSize));
    }

    @Test
    void extendCountsTheIncreaseAgainstGigabytesAndItsTypeKey() {
        createVolume(2);
        extend(PROJECT, 2, 5);
        assertThat(inUse("gigabytes")).isEqualTo(5);
        assertThat(inUse("gigabytes___DEFAULT__")).isEqualTo(5);
        assertThat(inUse("volumes")).isEqualTo(1);
        database.execute(tx -> quotas.release(tx, PROJECT, Map.of(QuotaService.GIGABYTES, 3L)));
        assertThat(inUse("gigabytes")).isEqualTo(2);
        assertThat(inUse("gigabytes___DEFAULT__")).isEqualTo(2);
    }

    @Test
    void extendPastTheGigabytesLimitIsRefusedAndCountsNothing() {
        createVolume(2);
        quotas.update(ADMIN, PROJECT, Map.of("gigabytes", 4L));
        assertThatThrownBy(() -> extend(PROJECT, 2, 5))
                .isInstanceOfSatisfying(
                        CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.GIGABYTES_QUOTA_EXCEEDED))
                .hasMessage(
                        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. "
                                + "Requested 3G, quota is 4G and 2G has been consumed.");
        assertThat(inUse("gigabytes")).isEqualTo(2);
        assertThat(inUse("gigabytes___DEFAULT__")).isEqualTo(2);
    }

    @Test
    void extendPastTheTypeLimitStillReportsTheProjectWideGigabytes() {
        createVolume(2);
        quotas.update(ADMIN, PROJECT, Map.of("gigabytes___DEFAULT__", 3L));
        assertThatThrownBy(() -> extend(PROJECT, 2, 5))
                .hasMessage(
                        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. "
                                + "Requested 3G, quota is 1000G and 2G has been consumed.");
        assertThat(inUse("gigabytes")).isEqualTo(2);
    }

    @Test
    void theNewSizeIsCheckedAgainstTheCallersPerVolumeLimit() {
        createVolume(2);
        quotas.update(ADMIN, ADMIN_PROJECT, Map.of("per_volume_gigabytes", 4L));
        assertThatThrownBy(() -> extend(ADMIN_PROJECT, 2, 5))
                .isInstanceOfSatisfying(
                        CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VOLUME_SIZE_EXCEEDS_LIMIT))
                .hasMessage(
                        "VolumeSizeExceedsLimit: Requested volume size 5G is larger than maximum allowed limit 4G.");
        extend(PROJECT, 2, 5);
        assertThat(inUse("gigabytes")).isEqualTo(5);
    }
}
