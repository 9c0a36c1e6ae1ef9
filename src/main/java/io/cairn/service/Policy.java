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
    UNMANAGE_SNAPSHOT("volume_extension:snapshot_admin_actions:snapshot_unmanage", Level.ADMIN),
    MANAGE_SNAPSHOT("snapshot_extension:snapshot_manage", Level.ADMIN),
    LIST_MANAGEABLE_SNAPSHOTS("snapshot_extension:list_manageable", Level.ADMIN),
    GET_ALL_BACKUPS("backup:get_all", Level.READER),
    GET_BACKUP("backup:get", Level.READER),
    BACKUP_PROJECT_ATTRIBUTE("backup:backup_project_attribute", Level.ADMIN),
    CREATE_BACKUP("backup:create", Level.MEMBER),
    UPDATE_BACKUP("backup:update", Level.MEMBER),
    DELETE_BACKUP("backup:delete", Level.MEMBER),
    RESTORE_BACKUP("backup:restore", Level.MEMBER),
    EXPORT_BACKUP("backup:export-import", Level.ADMIN),
    IMPORT_BACKUP("backup:backup-import", Level.ADMIN),
    RESET_BACKUP_STATUS("volume_extension:backup_admin_actions:reset_status", Level.ADMIN),
    FORCE_DELETE_BACKUP("volume_extension:backup_admin_actions:force_delete", Level.ADMIN),
    GET_ALL_VOLUMES("volume:get_all", Level.READER),
    GET_VOLUME("volume:get", Level.READER),
    CREATE_VOLUME("volume:create", Level.MEMBER),
    DELETE_VOLUME("volume:delete", Level.MEMBER),
    FORCE_DELETE_VOLUME_ON_DELETE("volume:force_delete", Level.ADMIN),
    UPDATE_VOLUME("volume:update", Level.MEMBER),
    EXTEND_VOLUME("volume:extend", Level.MEMBER),
    EXTEND_ATTACHED_VOLUME("volume:extend_attached_volume", Level.MEMBER),
    REVERT_VOLUME("volume:revert_to_snapshot", Level.MEMBER),
    GET_VOLUME_METADATA("volume:get_volume_metadata", Level.READER),
    UPDATE_VOLUME_METADATA("volume:update_volume_metadata", Level.MEMBER),
    DELETE_VOLUME_METADATA("volume:delete_volume_metadata", Level.MEMBER),
    RESET_VOLUME_STATUS("volume_extension:volume_admin_actions:reset_status", Level.ADMIN),
    FORCE_DELETE_VOLUME("volume_extension:volume_admin_actions:force_delete", Level.ADMIN),
    UPDATE_READONLY_FLAG("volume_extension:volume_actions:update_readonly_flag", Level.MEMBER),
    ATTACH_VOLUME("volume_extension:volume_actions:attach", Level.MEMBER),
    DETACH_VOLUME("volume_extension:volume_actions:detach", Level.MEMBER),
    RESERVE_VOLUME("volume_extension:volume_actions:reserve", Level.MEMBER),
    UNRESERVE_VOLUME("volume_extension:volume_actions:unreserve", Level.MEMBER),
    BEGIN_DETACHING("volume_extension:volume_actions:begin_detaching", Level.MEMBER),
    ROLL_DETACHING("volume_extension:volume_actions:roll_detaching", Level.MEMBER),
    INITIALIZE_CONNECTION("volume_extension:volume_actions:initialize_connection", Level.MEMBER),
    TERMINATE_CONNECTION("volume_extension:volume_actions:terminate_connection", Level.MEMBER),
    SHOW_QUOTAS("volume_extension:quotas:show", Level.READER),
    UPDATE_QUOTAS("volume_extension:quotas:update", Level.ADMIN),
    DELETE_QUOTAS("volume_extension:quotas:delete", Level.ADMIN),
    USED_LIMITS("limits_extension:used_limits", Level.READER),
    GET_ALL_VOLUME_TYPES("volume_extension:type_get_all", Level.READER),
    GET_VOLUME_TYPE("volume_extension:type_get", Level.READER),
    VOLUME_TYPE_EXTRA_SPECS("volume_extension:access_types_extra_specs", Level.READER),
    VOLUME_TYPE_QOS_SPECS_ID("volume_extension:access_types_qos_specs_id", Level.ADMIN),
    VOLUME_TYPE_ACCESS("volume_extension:volume_type_access", Level.MEMBER),
    CREATE_VOLUME_TYPE("volume_extension:type_create", Level.ADMIN),
    DELETE_VOLUME_TYPE("volume_extension:type_delete", Level.ADMIN),
    MANAGE_GROUP_TYPES("group:group_types_manage", Level.ADMIN),
    GROUP_TYPE_SPECS_ACCESS("group:access_group_types_specs", Level.ADMIN),
    MANAGE_GROUP_TYPE_SPECS("group:group_types_specs", Level.ADMIN),
    GET_ALL_GROUPS("group:get_all", Level.READER),
    GET_GROUP("group:get", Level.READER),
    CREATE_GROUP("group:create", Level.MEMBER),
    UPDATE_GROUP("group:update", Level.MEMBER),
    DELETE_GROUP("group:delete", Level.MEMBER),
    RESET_GROUP_STATUS("group:reset_status", Level.ADMIN),
    GROUP_PROJECT_ATTRIBUTE("group:group_project_attribute", Level.ADMIN),
    REVERT_GROUP("group:revert_to_group_snapshot", Level.MEMBER),
    GET_ALL_GROUP_SNAPSHOTS("group:get_all_group_snapshots", Level.READER),
    GET_GROUP_SNAPSHOT("group:get_group_snapshot", Level.READER),
    CREATE_GROUP_SNAPSHOT("group:create_group_snapshot", Level.MEMBER),
    DELETE_GROUP_SNAPSHOT("group:delete_group_snapshot", Level.MEMBER),
    RESET_GROUP_SNAPSHOT_STATUS("group:reset_group_snapshot_status", Level.ADMIN),
    GROUP_SNAPSHOT_PROJECT_ATTRIBUTE("group:group_snapshot_project_attribute", Level.ADMIN);

    enum Level {
        READER,
        MEMBER,
        ADMIN
    }

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
            throw new CairnException(
                    ErrorCode.POLICY_NOT_AUTHORIZED, "Policy doesn't allow " + rule + " to be performed.");
        }
    }

    /**
     * Throws Cinder's 403 unless the caller passes this rule for {@code targetProjectId}, a project named in
     * the URL rather than found by a scoped lookup (quota sets): project roles count only in the caller's own
     * project, while admin counts everywhere.
     */
    public void authorize(Caller caller, String targetProjectId) {
        if (!caller.isAdmin() && !caller.projectId().equals(targetProjectId)) {
            throw new CairnException(
                    ErrorCode.POLICY_NOT_AUTHORIZED, "Policy doesn't allow " + rule + " to be performed.");
        }
        authorize(caller);
    }
}
