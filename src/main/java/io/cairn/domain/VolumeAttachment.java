package io.cairn.domain;

import java.time.Instant;

/** A volume attached to a server or host (os-attach), as long as it is attached. */
public record VolumeAttachment(
        String id,
        String volumeId,
        String instanceUuid,
        String attachedHost,
        String mountpoint,
        String attachMode,
        Instant attachedAt) {}
