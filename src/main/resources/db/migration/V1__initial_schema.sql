-- Cairn's first schema. Migrations are append-only: never edit this file, add a new one.
-- Times are microseconds since the epoch (UTC), which sort and compare the same on every database.

CREATE TABLE volumes (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id          VARCHAR(255) NOT NULL,
    user_id             VARCHAR(255) NOT NULL,
    status              VARCHAR(32)  NOT NULL,
    attach_status       VARCHAR(32)  NOT NULL,
    migration_status    VARCHAR(32),
    size                INTEGER      NOT NULL,
    availability_zone   VARCHAR(255) NOT NULL,
    host                VARCHAR(255),
    display_name        VARCHAR(255),
    display_description VARCHAR(255),
    snapshot_id         VARCHAR(36),
    source_volid        VARCHAR(36),
    volume_type_id      VARCHAR(36),
    group_id            VARCHAR(36),
    bootable            BOOLEAN      NOT NULL DEFAULT FALSE,
    multiattach         BOOLEAN      NOT NULL DEFAULT FALSE,
    use_quota           BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT,
    launched_at         BIGINT,
    deleted_at          BIGINT,
    deleted             BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_volumes_project_created ON volumes (project_id, created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_volumes_created ON volumes (created_at, id) WHERE deleted = FALSE;

CREATE TABLE snapshots (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id          VARCHAR(255) NOT NULL,
    user_id             VARCHAR(255) NOT NULL,
    volume_id           VARCHAR(36)  NOT NULL,
    cgsnapshot_id       VARCHAR(36),
    group_snapshot_id   VARCHAR(36),
    status              VARCHAR(32)  NOT NULL,
    progress            VARCHAR(255),
    volume_size         INTEGER      NOT NULL,
    scheduled_at        BIGINT,
    display_name        VARCHAR(255),
    display_description VARCHAR(255),
    provider_location   VARCHAR(255),
    provider_id         VARCHAR(255),
    provider_auth       VARCHAR(255),
    encryption_key_id   VARCHAR(36),
    volume_type_id      VARCHAR(36),
    use_quota           BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT,
    deleted_at          BIGINT,
    deleted             BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_snapshots_project_created ON snapshots (project_id, created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_snapshots_created ON snapshots (created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_snapshots_volume ON snapshots (volume_id) WHERE deleted = FALSE;

-- Metadata keeps the order in which keys were first set, as Cinder returns it.
CREATE TABLE snapshot_metadata (
    snapshot_id VARCHAR(36)  NOT NULL,
    meta_key    VARCHAR(255) NOT NULL,
    meta_value  VARCHAR(255) NOT NULL,
    position    INTEGER      NOT NULL,
    PRIMARY KEY (snapshot_id, meta_key)
);
CREATE INDEX ix_snapshot_metadata_pair ON snapshot_metadata (meta_key, meta_value);

CREATE TABLE volume_metadata (
    volume_id  VARCHAR(36)  NOT NULL,
    meta_key   VARCHAR(255) NOT NULL,
    meta_value VARCHAR(255) NOT NULL,
    position   INTEGER      NOT NULL,
    PRIMARY KEY (volume_id, meta_key)
);
CREATE INDEX ix_volume_metadata_pair ON volume_metadata (meta_key, meta_value);

-- Quota: per-project limits that override the defaults, and usage counted in the same transaction as
-- the rows it counts.
CREATE TABLE quota_limits (
    project_id VARCHAR(255) NOT NULL,
    resource   VARCHAR(255) NOT NULL,
    hard_limit BIGINT       NOT NULL,
    PRIMARY KEY (project_id, resource)
);

CREATE TABLE quota_usages (
    project_id VARCHAR(255) NOT NULL,
    resource   VARCHAR(255) NOT NULL,
    in_use     BIGINT       NOT NULL,
    PRIMARY KEY (project_id, resource)
);

-- Durable work: a row per intent, claimed by a worker under a lease.
CREATE TABLE tasks (
    id               VARCHAR(36)  NOT NULL PRIMARY KEY,
    kind             VARCHAR(64)  NOT NULL,
    resource_id      VARCHAR(36)  NOT NULL,
    payload          TEXT,
    state            VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    lease_owner      VARCHAR(255),
    lease_expires_at BIGINT,
    last_error       TEXT,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL
);
CREATE INDEX ix_tasks_claimable ON tasks (state, created_at);
CREATE INDEX ix_tasks_resource ON tasks (resource_id);
