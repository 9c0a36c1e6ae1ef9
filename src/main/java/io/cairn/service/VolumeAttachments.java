package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;
import io.cairn.domain.Volume;
import io.cairn.domain.VolumeAttachment;
import io.cairn.domain.VolumeStatus;
import io.cairn.domain.VolumeTransitions;
import io.cairn.store.Database;
import io.cairn.store.VolumeStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Attaching and detaching volumes, the legacy way Nova drives it (os-reserve, os-attach, os-begin_detaching,
 * os-detach, ...). Each step applies one transition of {@link VolumeTransitions} under the volume's row lock.
 */
public final class VolumeAttachments {
    private final Database database;
    private final VolumeStore volumes;
    private final Clock clock;

    public VolumeAttachments(Database database, VolumeStore volumes, Clock clock) {
        this.database = database;
        this.volumes = volumes;
        this.clock = clock;
    }

    public void attach(Caller caller, String id, VolumeAttach request) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.ATTACH_VOLUME.authorize(caller);
            if (volume.status() == VolumeStatus.MAINTENANCE) {
                throw CairnException.invalidVolume("The volume cannot be attached in maintenance mode.");
            }
            boolean readonly = "True".equals(volume.adminMetadata().get("readonly"));
            if (readonly && !request.mode().equals("ro")) {
                throw CairnException.badRequest(
                        "Invalid attaching mode '" + request.mode() + "' for volume " + id + ".");
            }
            // Cinder's manager answers an attach to the server (or host) already holding it with that attachment.
            Optional<VolumeAttachment> same = volume.attachments().stream()
                    .filter(a -> request.instanceUuid() != null
                            ? request.instanceUuid().equals(a.instanceUuid())
                            : a.instanceUuid() == null
                                    && request.hostName() != null
                                    && request.hostName().equals(a.attachedHost()))
                    .findFirst();
            if (same.isPresent()) {
                volumes.apply(tx, VolumeTransitions.REATTACH, id, now);
                return;
            }
            if (!volumes.apply(tx, VolumeTransitions.ATTACH, id, now)) {
                if (volume.status() == VolumeStatus.IN_USE
                        && !volume.multiattach()
                        && volume.migrationStatus() == null) {
                    throw CairnException.invalidVolume(
                            "volume is already attached and multiple attachments are not enabled");
                }
                throw CairnException.invalidVolume(
                        "Volume status must be available or attaching to attach, but the status is "
                                + volume.status().wire() + ".");
            }
            volumes.addAttachment(
                    tx,
                    new VolumeAttachment(
                            UUID.randomUUID().toString(),
                            id,
                            request.instanceUuid(),
                            request.hostName(),
                            request.mountpoint(),
                            request.mode(),
                            now));
            volumes.setAdminMetadata(tx, id, "attached_mode", request.mode());
            if (!volume.adminMetadata().containsKey("readonly")) {
                volumes.setAdminMetadata(tx, id, "readonly", "False");
            }
        });
    }

    public void detach(Caller caller, String id, Optional<String> attachmentId) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.DETACH_VOLUME.authorize(caller);
            // Cinder's guard for bug 2004555: an attachment it cannot single out (an unknown id, or several and no
            // id) is taken for one Nova still uses. (A legacy attachment has no connection_info, so the guard lets
            // a known one go.)
            boolean singledOut = attachmentId.isPresent()
                    ? volume.attachments().stream().anyMatch(a -> a.id().equals(attachmentId.get()))
                    : volume.attachments().size() <= 1;
            if (!singledOut) {
                throw new CairnException(
                        ErrorCode.VOLUME_STATUS_CONFLICT,
                        "ConflictNovaUsingAttachment: Detach volume from instance  using the Compute API");
            }
            if (volume.status() == VolumeStatus.MAINTENANCE) {
                throw CairnException.invalidVolume("The volume cannot be detached in maintenance mode.");
            }
            // Without attachments left Cinder's manager just marks the volume available and detached.
            volumes.endAttachments(tx, id, attachmentId, now);
            if (volumes.apply(tx, VolumeTransitions.DETACH_LAST, id, now)) {
                volumes.markDetached(tx, id);
            }
        });
    }

    public void reserve(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Volume volume = Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.RESERVE_VOLUME.authorize(caller);
            if (!volumes.apply(tx, VolumeTransitions.RESERVE, id, now)) {
                throw CairnException.invalidVolume("Volume status must be "
                        + (volume.multiattach() ? "available or in-use" : "available")
                        + " to reserve, but the status is " + volume.status().wire() + ".");
            }
        });
    }

    public void unreserve(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.UNRESERVE_VOLUME.authorize(caller);
            if (!volumes.apply(tx, VolumeTransitions.UNRESERVE, id, now)) {
                volumes.apply(tx, VolumeTransitions.UNRESERVE_ATTACHED, id, now);
            }
        });
    }

    public void beginDetaching(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.BEGIN_DETACHING.authorize(caller);
            if (!volumes.apply(tx, VolumeTransitions.BEGIN_DETACHING, id, now)) {
                throw CairnException.invalidVolume(
                        "Unable to detach volume. Volume status must be 'in-use' and attach_status "
                                + "must be 'attached' to detach.");
            }
        });
    }

    public void rollDetaching(Caller caller, String id) {
        Instant now = now();
        database.execute(tx -> {
            Lookup.lockedVolume(volumes, tx, caller, id);
            Policy.ROLL_DETACHING.authorize(caller);
            volumes.apply(tx, VolumeTransitions.ROLL_DETACHING, id, now);
        });
    }

    private Instant now() {
        return Lookup.now(clock);
    }
}
