package io.cairn.service;

import io.cairn.domain.CairnException;
import io.cairn.domain.Caller;
import io.cairn.domain.ErrorCode;

/**
 * Cinder's default policies. Lookups are already scoped to the caller's project (another project's
 * resource is simply not found), so a rule only has to check the caller's role.
 */
public enum Policy {
    GET_ALL_SNAPSHOTS("volume:get_all_snapshots", Level.READER),
    GET_SNAPSHOT("volume:get_snapshot", Level.READER),
    EXTENDED_SNAPSHOT_ATTRIBUTES("volume_extension:extended_snapshot_attributes", Level.READER),
    GET_SNAPSHOT_METADATA("volume:get_snapshot_metadata", Level.READER),
    CREATE_SNAPSHOT("volume:create_snapshot", Level.MEMBER),
    UPDATE_SNAPSHOT("volume:update_snapshot", Level.MEMBER),
    DELETE_SNAPSHOT("volume:delete_snapshot", Level.MEMBER),
    UPDATE_SNAPSHOT_METADATA("volume:update_snapshot_metadata", Level.MEMBER),
    DELETE_SNAPSHOT_METADATA("volume:delete_snapshot_metadata", Level.MEMBER),
    UPDATE_SNAPSHOT_STATUS("snapshot_extension:snapshot_actions:update_snapshot_status", Level.MEMBER),
    RESET_SNAPSHOT_STATUS("volume_extension:snapshot_admin_actions:reset_status", Level.ADMIN),
    FORCE_DELETE_SNAPSHOT("volume_extension:snapshot_admin_actions:force_delete", Level.ADMIN),
    GET_ALL_VOLUMES("volume:get_all", Level.READER),
    GET_VOLUME("volume:get", Level.READER),
    CREATE_VOLUME("volume:create", Level.MEMBER),
    DELETE_VOLUME("volume:delete", Level.MEMBER);

    enum Level { READER, MEMBER, ADMIN }

    private final String rule;
    private final Level level;

    Policy(String rule, Level level) {
        this.rule = rule;
        this.level = level;
    }

    public boolean allows(Caller caller) {
        return switch (level) {
            case READER -> caller.isReader();
            case MEMBER -> caller.isMember();
            case ADMIN -> caller.isAdmin();
        };
    }

    /** Throws Cinder's 403 unless the caller passes this rule. */
    public void authorize(Caller caller) {
        if (!allows(caller)) {
            throw new CairnException(ErrorCode.POLICY_NOT_AUTHORIZED, "Policy doesn't allow " + rule + " to be performed.");
        }
    }
}
