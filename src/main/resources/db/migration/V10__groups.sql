-- Generic volume groups (Cinder's groups API): group types with their specs, groups, the volume types a group
-- allows, and group snapshots. Volumes name their group in volumes.group_id and snapshots their group snapshot in
-- snapshots.group_snapshot_id (both since V1). Groups are volume_groups here: GROUPS is a keyword of the SQL window
-- syntax on both databases. Volume types an admin creates are kept here too (volume_types).
CREATE TABLE group_types (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    description VARCHAR(255),
    is_public   BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT,
    deleted_at  BIGINT,
    deleted     BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_group_types_name ON group_types (name) WHERE deleted = FALSE;

CREATE TABLE group_type_specs (
    group_type_id VARCHAR(36)  NOT NULL,
    spec_key      VARCHAR(255) NOT NULL,
    spec_value    VARCHAR(255) NOT NULL,
    PRIMARY KEY (group_type_id, spec_key)
);

CREATE TABLE volume_groups (
    id                VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id        VARCHAR(255) NOT NULL,
    user_id           VARCHAR(255) NOT NULL,
    status            VARCHAR(32)  NOT NULL,
    availability_zone VARCHAR(255) NOT NULL,
    -- Cinder's node@backend#pool, as for volumes: the node whose engine holds the members' data.
    host              VARCHAR(255) NOT NULL,
    group_type_id     VARCHAR(36)  NOT NULL,
    name              VARCHAR(255),
    description       VARCHAR(255),
    group_snapshot_id VARCHAR(36),
    source_group_id   VARCHAR(36),
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT,
    deleted_at        BIGINT,
    deleted           BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_volume_groups_project_created ON volume_groups (project_id, created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_volume_groups_status ON volume_groups (status) WHERE deleted = FALSE;

-- The volume types a group allows, in the order the request named them.
CREATE TABLE volume_group_types (
    group_id       VARCHAR(36) NOT NULL,
    volume_type_id VARCHAR(36) NOT NULL,
    position       INTEGER     NOT NULL,
    PRIMARY KEY (group_id, volume_type_id)
);

CREATE TABLE group_snapshots (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id    VARCHAR(255) NOT NULL,
    user_id       VARCHAR(255) NOT NULL,
    group_id      VARCHAR(36)  NOT NULL,
    group_type_id VARCHAR(36)  NOT NULL,
    status        VARCHAR(32)  NOT NULL,
    name          VARCHAR(255),
    description   VARCHAR(255),
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT,
    deleted_at    BIGINT,
    deleted       BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_group_snapshots_project_created ON group_snapshots (project_id, created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_group_snapshots_group ON group_snapshots (group_id) WHERE deleted = FALSE;
CREATE INDEX ix_group_snapshots_status ON group_snapshots (status) WHERE deleted = FALSE;

CREATE INDEX ix_volumes_group ON volumes (group_id) WHERE deleted = FALSE;
CREATE INDEX ix_snapshots_group_snapshot ON snapshots (group_snapshot_id) WHERE deleted = FALSE;

-- Volume types an admin creates, besides the __DEFAULT__ type every deployment has (which is not stored): a group
-- names the volume types its volumes may have.
CREATE TABLE volume_types (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    description VARCHAR(255),
    is_public   BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at  BIGINT       NOT NULL,
    deleted_at  BIGINT,
    deleted     BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_volume_types_name ON volume_types (name) WHERE deleted = FALSE;

CREATE TABLE volume_type_extra_specs (
    volume_type_id VARCHAR(36)  NOT NULL,
    spec_key       VARCHAR(255) NOT NULL,
    spec_value     VARCHAR(255) NOT NULL,
    PRIMARY KEY (volume_type_id, spec_key)
);
