package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.engine.StorageEngine;
import io.cairn.engine.StorageEngine.DirectAccess;
import io.cairn.engine.nbd.PresharedKey;
import io.cairn.store.VolumeStore;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * os-initialize_connection and os-terminate_connection: how a host reaches a volume's data. An engine that lets
 * hosts reach it directly (RBD) answers with its own connection info, as Cinder's driver for it does; otherwise
 * the answer is this node's NBD export of the volume, and while NBD TLS is on, a TLS identity and pre-shared key that
 * reach that volume and its snapshots only, issued to the connector's host and revoked when it terminates.
 */
public final class VolumeConnections {
    /** Where this node's NBD server listens. */
    public record NbdEndpoint(String host, int port) {}

    private final VolumeStore volumes;
    private final StorageEngine engine;
    private final NbdEndpoint nbd;
    /** Present while NBD TLS is on. */
    private final Optional<NbdCredentialService> nbdCredentials;

    public VolumeConnections(
            VolumeStore volumes, StorageEngine engine, NbdEndpoint nbd, Optional<NbdCredentialService> nbdCredentials) {
        this.volumes = volumes;
        this.engine = engine;
        this.nbd = nbd;
        this.nbdCredentials = nbdCredentials;
    }

    /** Cinder's connection info: {@code driver_volume_type} and {@code data}, with the keys its manager adds. */
    public DirectAccess initialize(Caller caller, String id, String connector) {
        Volume volume = Lookup.volume(volumes, caller, id);
        Policy.INITIALIZE_CONNECTION.authorize(caller);
        if (volume.status() == VolumeStatus.MAINTENANCE) {
            throw CairnException.invalidVolume("Unable to create the volume connection in maintenance mode.");
        }
        // The volume's readonly flag, or an attachment made read-only (os-attach mode "ro"), makes the NBD reach
        // read-only; Cinder reports only the flag as access_mode.
        boolean readonly = "True".equals(volume.adminMetadata().get("readonly"));
        boolean attachedReadOnly = "ro".equals(volume.adminMetadata().get("attached_mode"));
        DirectAccess direct;
        try {
            direct =
                    engine.directAccess(id).orElseGet(() -> nbdExport(volume, connector, readonly || attachedReadOnly));
        } catch (IOException e) {
            throw CairnException.backendUnavailable(e);
        }
        Map<String, Object> data = new LinkedHashMap<>(direct.data());
        data.put("qos_specs", null);
        data.put("access_mode", readonly ? "ro" : "rw");
        data.put("encrypted", false);
        return new DirectAccess(direct.driverVolumeType(), data);
    }

    /** Revokes the NBD TLS identity issued to the connector for this volume, if any; new connections proving it fail. */
    public void terminate(Caller caller, String id, String connector) {
        Lookup.volume(volumes, caller, id);
        Policy.TERMINATE_CONNECTION.authorize(caller);
        nbdCredentials.ifPresent(credentials -> credentials.endConnection(id, connector));
    }

    private DirectAccess nbdExport(Volume volume, String connector, boolean readOnly) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("host", nbd.host());
        data.put("port", nbd.port());
        data.put("export_name", volume.id());
        data.put("volume_id", volume.id());
        data.put("discard", true);
        nbdCredentials.ifPresent(credentials -> {
            PresharedKey key = credentials
                    .connection(volume.projectId(), volume.id(), connector, readOnly)
                    .key();
            data.put("tls", "psk");
            data.put("tls_psk_identity", key.identity());
            data.put("tls_psk_key", HexFormat.of().formatHex(key.key()));
        });
        return new DirectAccess("nbd", data);
    }
}
