package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeStatus;
import io.cairn.engine.StorageEngine;
import io.cairn.engine.StorageEngine.DirectAccess;
import io.cairn.store.VolumeStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * os-initialize_connection and os-terminate_connection: how a host reaches a volume's data. An engine that lets
 * hosts reach it directly (RBD) answers with its own connection info, as Cinder's driver for it does; otherwise
 * the answer is this node's NBD export of the volume.
 */
public final class VolumeConnections {
    /** Where this node's NBD server listens. */
    public record NbdEndpoint(String host, int port) {}

    private final VolumeStore volumes;
    private final StorageEngine engine;
    private final NbdEndpoint nbd;

    public VolumeConnections(VolumeStore volumes, StorageEngine engine, NbdEndpoint nbd) {
        this.volumes = volumes;
        this.engine = engine;
        this.nbd = nbd;
    }

    /** Cinder's connection info: {@code driver_volume_type} and {@code data}, with the keys its manager adds. */
    public DirectAccess initialize(Caller caller, String id) {
        Volume volume = Lookup.volume(volumes, caller, id);
        Policy.INITIALIZE_CONNECTION.authorize(caller);
        if (volume.status() == VolumeStatus.MAINTENANCE) {
            throw CairnException.invalidVolume("Unable to create the volume connection in maintenance mode.");
        }
        DirectAccess direct;
        try {
            direct = engine.directAccess(id).orElseGet(() -> nbdExport(id));
        } catch (IOException e) {
            throw CairnException.backendUnavailable(e);
        }
        Map<String, Object> data = new LinkedHashMap<>(direct.data());
        data.put("qos_specs", null);
        boolean readonly = "True".equals(volume.adminMetadata().get("readonly"));
        data.put("access_mode", readonly ? "ro" : "rw");
        data.put("encrypted", false);
        return new DirectAccess(direct.driverVolumeType(), data);
    }

    /** Nothing to undo here: a host's access ends with its detach. */
    public void terminate(Caller caller, String id) {
        Lookup.volume(volumes, caller, id);
        Policy.TERMINATE_CONNECTION.authorize(caller);
    }

    private DirectAccess nbdExport(String id) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("host", nbd.host());
        data.put("port", nbd.port());
        data.put("export_name", id);
        data.put("volume_id", id);
        data.put("discard", true);
        return new DirectAccess("nbd", data);
    }
}
