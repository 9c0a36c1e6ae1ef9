package io.cairn.domain;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Volume statuses as Cinder names them, and EVS's {@code error_rollbacking} (a rollback from a snapshot failed),
 * which Cinder does not know.
 */
public enum VolumeStatus {
    CREATING("creating"),
    AVAILABLE("available"),
    ATTACHING("attaching"),
    DETACHING("detaching"),
    IN_USE("in-use"),
    DELETING("deleting"),
    ERROR("error"),
    ERROR_DELETING("error_deleting"),
    BACKING_UP("backing-up"),
    ERROR_BACKING_UP("error_backing-up"),
    RESTORING_BACKUP("restoring-backup"),
    ERROR_RESTORING("error_restoring"),
    EXTENDING("extending"),
    ERROR_EXTENDING("error_extending"),
    REVERTING("reverting"),
    RESERVED("reserved"),
    MAINTENANCE("maintenance"),
    DOWNLOADING("downloading"),
    UPLOADING("uploading"),
    RETYPING("retyping"),
    AWAITING_TRANSFER("awaiting-transfer"),
    ERROR_MANAGING("error_managing"),
    MANAGING("managing"),
    /** Only an EVS rollback leaves a volume here; another rollback or a delete may follow. */
    ERROR_ROLLBACKING("error_rollbacking"),
    /** What Cinder writes on a volume's row when it deletes it; no live volume has it. */
    DELETED("deleted");

    /** The statuses an admin may reset a volume to, in Cinder's order (its message lists them so). */
    public static final java.util.List<VolumeStatus> RESETTABLE = java.util.List.of(
            CREATING,
            AVAILABLE,
            DELETING,
            ERROR,
            ERROR_DELETING,
            ERROR_MANAGING,
            MANAGING,
            ATTACHING,
            IN_USE,
            DETACHING,
            MAINTENANCE,
            RESTORING_BACKUP,
            ERROR_RESTORING,
            RESERVED,
            AWAITING_TRANSFER,
            BACKING_UP,
            ERROR_BACKING_UP,
            ERROR_EXTENDING,
            DOWNLOADING,
            UPLOADING,
            RETYPING,
            EXTENDING);

    /** Statuses from which Cinder deletes a volume without force, in the order its refusal lists them. */
    public static final Set<VolumeStatus> DELETABLE =
            EnumSet.of(AVAILABLE, ERROR, ERROR_RESTORING, ERROR_EXTENDING, ERROR_MANAGING);

    private final String wire;

    VolumeStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<VolumeStatus> parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wire.equals(lower)).findFirst();
    }

    public static VolumeStatus fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalStateException("unknown volume status " + text));
    }
}
