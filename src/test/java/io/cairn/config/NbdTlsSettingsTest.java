package io.cairn.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code nbd-tls}: its default on and beyond loopback, its values, and the combinations that stop start-up. */
class NbdTlsSettingsTest {
    private static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private static CairnConfig.DataPlaneConfig dataPlane(Map<String, String> environment) {
        return CairnConfig.from(Settings.load(Map.of(), environment, Optional.empty()))
                .dataPlane();
    }

    @Test
    void tlsIsOffOnLoopbackByDefaultAndNeedsNoKey() {
        CairnConfig.DataPlaneConfig plane = dataPlane(Map.of());
        assertThat(plane.nbdHost()).isEqualTo("127.0.0.1");
        assertThat(plane.nbdTls()).isEqualTo(CairnConfig.NbdTls.OFF);
        assertThat(plane.nbdCredentialKey()).isEmpty();
    }

    @Test
    void tlsIsRequiredByDefaultBeyondLoopback() {
        CairnConfig.DataPlaneConfig plane =
                dataPlane(Map.of("CAIRN_NBD_HOST", "0.0.0.0", "CAIRN_SECRET_KEY", SECRET_KEY));
        assertThat(plane.nbdTls()).isEqualTo(CairnConfig.NbdTls.REQUIRED);
        assertThat(plane.nbdCredentialKey()).isPresent();
    }

    @Test
    void everyValueIsReadOnLoopback() {
        for (CairnConfig.NbdTls mode : CairnConfig.NbdTls.values()) {
            assertThat(dataPlane(Map.of("CAIRN_NBD_TLS", mode.settingValue(), "CAIRN_SECRET_KEY", SECRET_KEY))
                            .nbdTls())
                    .isEqualTo(mode);
        }
        assertThat(dataPlane(Map.of("CAIRN_NBD_TLS", "Required", "CAIRN_SECRET_KEY", SECRET_KEY))
                        .nbdTls())
                .isEqualTo(CairnConfig.NbdTls.REQUIRED);
    }

    @Test
    void plainNbdBeyondLoopbackRefusesToStart() {
        for (String mode : new String[] {"off", "optional"}) {
            assertThatThrownBy(() -> dataPlane(
                            Map.of("CAIRN_NBD_HOST", "0.0.0.0", "CAIRN_NBD_TLS", mode, "CAIRN_SECRET_KEY", SECRET_KEY)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("CAIRN_NBD_TLS")
                    .hasMessageContaining("only required");
        }
    }

    @Test
    void tlsNeedsTheSecretKeyItsKeysDeriveFrom() {
        assertThatThrownBy(() -> dataPlane(Map.of("CAIRN_NBD_TLS", "required")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CAIRN_SECRET_KEY")
                .hasMessageContaining("NBD TLS");
        assertThatThrownBy(() -> dataPlane(Map.of("CAIRN_NBD_HOST", "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CAIRN_SECRET_KEY");
    }

    @Test
    void anUnknownModeIsRefusedNamingTheValues() {
        assertThatThrownBy(() -> dataPlane(Map.of("CAIRN_NBD_TLS", "yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("required, optional or off");
    }

    @Test
    void theKeyNeverAppearsInTheConfigurationsText() {
        assertThat(dataPlane(Map.of("CAIRN_NBD_TLS", "required", "CAIRN_SECRET_KEY", SECRET_KEY))
                        .toString())
                .doesNotContain(SECRET_KEY)
                .contains("<hidden>");
    }
}
