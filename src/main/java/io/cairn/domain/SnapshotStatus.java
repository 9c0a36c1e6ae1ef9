package io.cairn.domain;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Snapshot statuses as Cinder names them, with the transitions a project member may report, and EVS's
 * {@code rollbacking} (its data being rolled back onto its disk), which Cinder does not know.
 */
public enum SnapshotStatus {
    ERROR("error"),
    AVAILABLE("available"),
    CREATING("creating"),
    DELETING("deleting"),
    DELETED("deleted"),
    UPDATING("updating"),
    ERROR_DELETING("error_deleting"),
    UNMANAGING("unmanaging"),
    BACKING_UP("backing-up"),
    RESTORING("restoring"),
    ROLLBACKING("rollbacking");

    /** Statuses from which a snapshot may be deleted. */
    public static final Set<SnapshotStatus> DELETABLE = EnumSet.of(AVAILABLE, ERROR);

    private final String wire;

    SnapshotStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Finds a status by its wire name, ignoring case as Cinder's reset_status does. */
    public static Optional<SnapshotStatus> parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wire.equals(lower)).findFirst();
    }

    public static SnapshotStatus fromWire(String text) {
        return parse(text).orElseThrow(() -> new IllegalStateException("unknown snapshot status " + text));
    }

    /** Cinder's own statuses (all but EVS's rollbacking) by wire name, in Cinder's order. */
    public static List<String> cinderStatuses() {
        return Arrays.stream(values())
                .filter(s -> s != ROLLBACKING)
                .map(SnapshotStatus::wire)
                .toList();
    }

    /** Targets allowed for os-update_snapshot_status from this status; empty when the status allows none. */
    public Set<SnapshotStatus> reportableTargets() {
        return switch (this) {
            case CREATING -> EnumSet.of(CREATING, AVAILABLE, ERROR);
            case DELETING -> EnumSet.of(DELETING, ERROR_DELETING);
            case ERROR, AVAILABLE, DELETED, UPDATING, ERROR_DELETING, UNMANAGING, BACKING_UP, RESTORING, ROLLBACKING ->
                EnumSet.noneOf(SnapshotStatus.class);
        };
    }
}
