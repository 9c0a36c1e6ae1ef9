package io.cairn.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ViewCacheSettingsTest {
    private static long capacity(Map<String, String> flags, Map<String, String> environment) {
        return CairnConfig.from(Settings.load(flags, environment, Optional.empty()))
                .viewCache()
                .capacityBytes();
    }

    @Test
    void theDefaultIs64MiB() {
        assertThat(capacity(Map.of(), Map.of())).isEqualTo(64L << 20);
    }

    @Test
    void aSizeTakesBytesOrASuffixFromTheFlagOrTheEnvironment() {
        assertThat(capacity(Map.of("view-cache-size", "0"), Map.of())).isZero();
        assertThat(capacity(Map.of("view-cache-size", "4096"), Map.of())).isEqualTo(4096);
        assertThat(capacity(Map.of("view-cache-size", "512k"), Map.of())).isEqualTo(512L << 10);
        assertThat(capacity(Map.of(), Map.of("CAIRN_VIEW_CACHE_SIZE", "64M"))).isEqualTo(64L << 20);
        assertThat(capacity(Map.of(), Map.of("CAIRN_VIEW_CACHE_SIZE", "2G"))).isEqualTo(2L << 30);
    }

    @Test
    void aBadSizeStopsStartUpNamingTheKey() {
        for (String bad : new String[] {"-1", "lots", "65G", "1T", "K"}) {
            assertThatThrownBy(() -> capacity(Map.of("view-cache-size", bad), Map.of()))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("view-cache-size")
                    .hasMessageContaining("a size from 0 to 64G");
        }
    }
}
