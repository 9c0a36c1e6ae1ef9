package io.cairn.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The {@code backend=rbd} settings: every default, every key, and the values that stop start-up. */
class RbdSettingsTest {
    private static CairnConfig.RbdConfig rbd(Map<String, String> environment) {
        Map<String, String> withBackend = new HashMap<>(environment);
        withBackend.put("CAIRN_BACKEND", "rbd");
        return CairnConfig.from(Settings.load(Map.of(), withBackend, Optional.empty()))
                .engine()
                .rbd()
                .orElseThrow();
    }

    @Test
    void theDefaultsAreCindersAndTheClustersObjectSize() {
        assertThat(rbd(Map.of()))
                .isEqualTo(new CairnConfig.RbdConfig(
                        Path.of("/etc/ceph/ceph.conf"), "admin", "rbd", false, 5, 30, OptionalInt.empty()));
    }

    @Test
    void everyKeyIsRead() {
        assertThat(rbd(Map.of(
                        "CAIRN_CEPH_CONF", "/srv/ceph.conf",
                        "CAIRN_CEPH_USER", "cairn",
                        "CAIRN_RBD_POOL", "volumes",
                        "CAIRN_RBD_FLATTEN_VOLUME_FROM_SNAPSHOT", "true",
                        "CAIRN_RBD_MAX_CLONE_DEPTH", "0",
                        "CAIRN_RADOS_TIMEOUT", "3",
                        "CAIRN_RBD_OBJECT_SIZE", "512K")))
                .isEqualTo(new CairnConfig.RbdConfig(
                        Path.of("/srv/ceph.conf"), "cairn", "volumes", true, 0, 3, OptionalInt.of(512 * 1024)));
    }

    @Test
    void theObjectSizeIsAPowerOfTwoFrom4KTo32MInBytesOrWithASuffix() {
        Map<String, Integer> sizes =
                Map.of("4K", 4096, "4096", 4096, "512k", 512 * 1024, "4M", 4 << 20, "32M", 32 << 20);
        sizes.forEach((text, bytes) -> assertThat(
                        rbd(Map.of("CAIRN_RBD_OBJECT_SIZE", text)).objectSizeBytes())
                .as(text)
                .hasValue(bytes));
        for (String bad : List.of("2K", "64M", "3M", "1000", "0", "-4K", "4G", "4 M", "big")) {
            assertThatThrownBy(() -> rbd(Map.of("CAIRN_RBD_OBJECT_SIZE", bad)))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("Invalid configuration rbd-object-size (CAIRN_RBD_OBJECT_SIZE, --rbd-object-size): '"
                            + bad + "' is not a power of two from 4K to 32M (bytes, or with a K or M suffix)");
        }
    }

    @Test
    void theLocalBackendReadsNoRbdSetting() {
        CairnConfig config =
                CairnConfig.from(Settings.load(Map.of(), Map.of("CAIRN_RBD_OBJECT_SIZE", "3M"), Optional.empty()));
        assertThat(config.engine().rbd()).isEmpty();
    }

    @Test
    void theChunkSizeKeepsItsOwnLimitOf16M() {
        assertThat(CairnConfig.from(Settings.load(Map.of("chunk-size", "16M"), Map.of(), Optional.empty()))
                        .dataPlane()
                        .chunkSizeBytes())
                .isEqualTo(16 << 20);
        assertThatThrownBy(
                        () -> CairnConfig.from(Settings.load(Map.of("chunk-size", "32M"), Map.of(), Optional.empty())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("chunk-size")
                .hasMessageContaining("a power of two from 4K to 16M");
    }
}
