package io.cairn.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.backup.BackupStoreException.Reason;
import io.cairn.config.CairnConfig.BackupConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** No S3 server needed: what opening the repository says when there is none where the settings point. */
class UnreachableStoreTest {
    @Test
    void anEndpointNothingListensOnIsUnavailableAndNamed() throws IOException {
        URI endpoint;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            endpoint = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        BackupConfig config = new BackupConfig(
                Optional.of(endpoint), "cairn-backups", "us-east-1", Optional.of("access"), Optional.of("secret"));

        assertThatThrownBy(() -> BackupRepository.open(config))
                .isInstanceOfSatisfying(
                        BackupStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                .hasMessageStartingWith("cannot look up container cairn-backups at " + endpoint + ": unreachable: ")
                .hasMessageContaining("Connection refused");
    }
}
