-- Backups (Cinder's backup API) and the chunk objects they reference in the object store.
CREATE TABLE backups (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id          VARCHAR(255) NOT NULL,
    user_id             VARCHAR(255) NOT NULL,
    volume_id           VARCHAR(36)  NOT NULL,
    snapshot_id         VARCHAR(36),
    parent_id           VARCHAR(36),
    status              VARCHAR(32)  NOT NULL,
    fail_reason         VARCHAR(255),
    size                INTEGER      NOT NULL,
    object_count        INTEGER      NOT NULL DEFAULT 0,
    -- Incremental backups built on this one, counted when one is finished and when one is deleted, as Cinder does.
    num_dependent_backups INTEGER    NOT NULL DEFAULT 0,
    availability_zone   VARCHAR(255),
    container           VARCHAR(255),
    display_name        VARCHAR(255),
    display_description VARCHAR(255),
    -- The engine snapshot the backup read from, kept while it is its volume's latest backup so that the next
    -- incremental backup asks the engine what changed since (see BackupWorkHandler).
    base_snapshot_id    VARCHAR(64),
    -- The source volume's name, description and metadata when it was backed up (JSON), which a restore writes back.
    volume_meta         TEXT,
    -- For a backup imported from an exported record: the backup whose manifest its data is copied from.
    imported_from       VARCHAR(36),
    -- The volume a restore writes to, so that the recovery pass can resume it.
    restore_volume_id   VARCHAR(36),
    data_timestamp      BIGINT       NOT NULL,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT,
    deleted_at          BIGINT,
    deleted             BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_backups_project_created ON backups (project_id, created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_backups_created ON backups (created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_backups_volume ON backups (volume_id, data_timestamp) WHERE deleted = FALSE;
CREATE INDEX ix_backups_parent ON backups (parent_id) WHERE deleted = FALSE;
CREATE INDEX ix_backups_status ON backups (status) WHERE deleted = FALSE;

CREATE TABLE backup_metadata (
    backup_id  VARCHAR(36)  NOT NULL,
    meta_key   VARCHAR(255) NOT NULL,
    meta_value VARCHAR(255) NOT NULL,
    position   INTEGER      NOT NULL,
    PRIMARY KEY (backup_id, meta_key)
);
CREATE INDEX ix_backup_metadata_pair ON backup_metadata (meta_key, meta_value);

-- One row per chunk object a container holds: the row a writer and a deleter of that object both lock, so an
-- object is deleted only when no backup references it, and never while a new reference is being recorded.
CREATE TABLE backup_objects (
    container VARCHAR(255) NOT NULL,
    hash      VARCHAR(64)  NOT NULL,
    PRIMARY KEY (container, hash)
);

-- Which backups reference which chunk objects; recorded before the object is looked for or uploaded.
CREATE TABLE backup_chunks (
    backup_id VARCHAR(36)  NOT NULL,
    container VARCHAR(255) NOT NULL,
    hash      VARCHAR(64)  NOT NULL,
    PRIMARY KEY (backup_id, hash)
);
CREATE INDEX ix_backup_chunks_object ON backup_chunks (container, hash);
