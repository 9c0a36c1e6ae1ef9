package io.cairn.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code auth=keystone} settings: their environment names, the default domain, and start-up refusals. */
class KeystoneSettingsTest {
    private static final Map<String, String> KEYSTONE_ENVIRONMENT = Map.of(
            "CAIRN_AUTH", "keystone",
            "CAIRN_KEYSTONE_URL", "http://127.0.0.1:5000/v3",
            "CAIRN_KEYSTONE_USERNAME", "cinder",
            "CAIRN_KEYSTONE_PASSWORD", "s3cret",
            "CAIRN_KEYSTONE_PROJECT", "service");

    private static CairnConfig fromEnvironment(Map<String, String> environment) {
        return CairnConfig.from(Settings.load(Map.of(), environment, Optional.empty()));
    }

    @Test
    void theServiceCredentialComesFromTheDocumentedVariablesInDomainDefault() {
        CairnConfig.AuthConfig auth = fromEnvironment(KEYSTONE_ENVIRONMENT).auth();

        assertThat(auth.mode()).isEqualTo(CairnConfig.AuthMode.KEYSTONE);
        assertThat(auth.keystone())
                .contains(new CairnConfig.KeystoneConfig(
                        URI.create("http://127.0.0.1:5000/v3"), "cinder", "s3cret", "service", "Default"));
    }

    @Test
    void keystoneDomainOverridesTheDefaultDomain() {
        Map<String, String> environment = new HashMap<>(KEYSTONE_ENVIRONMENT);
        environment.put("CAIRN_KEYSTONE_DOMAIN", "services");

        assertThat(fromEnvironment(environment).auth().keystone().orElseThrow().domain())
                .isEqualTo("services");
    }

    @Test
    void noauthNeedsNoKeystoneSettings() {
        assertThat(fromEnvironment(Map.of()).auth().keystone()).isEmpty();
    }

    @Test
    void eachMissingSettingStopsStartUpNamingItsVariable() {
        for (String variable : new String[] {
            "CAIRN_KEYSTONE_URL", "CAIRN_KEYSTONE_USERNAME", "CAIRN_KEYSTONE_PASSWORD", "CAIRN_KEYSTONE_PROJECT"
        }) {
            Map<String, String> environment = new HashMap<>(KEYSTONE_ENVIRONMENT);
            environment.remove(variable);

            assertThatThrownBy(() -> fromEnvironment(environment))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(variable)
                    .hasMessageContaining("required with auth=keystone");
        }
    }

    @Test
    void aUrlThatIsNotHttpIsRefused() {
        Map<String, String> environment = new HashMap<>(KEYSTONE_ENVIRONMENT);
        environment.put("CAIRN_KEYSTONE_URL", "127.0.0.1:5000/v3");

        assertThatThrownBy(() -> fromEnvironment(environment))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CAIRN_KEYSTONE_URL");
    }

    @Test
    void thePasswordNeverAppearsInTheConfigurationsText() {
        assertThat(fromEnvironment(KEYSTONE_ENVIRONMENT).auth().toString()).doesNotContain("s3cret");
    }
}
