-- EVS snapshot groups (快照一致性组): snapshots of several disks taken at one instant. Their member snapshots are
-- ordinary snapshots whose group_snapshot_id names the snapshot group, so every API shows them and no single delete
-- takes one out of its group. Tags are EVS's key/value labels on v5 snapshots and on snapshot groups.
CREATE TABLE evs_snapshot_groups (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id  VARCHAR(255) NOT NULL,
    user_id     VARCHAR(255) NOT NULL,
    status      VARCHAR(32)  NOT NULL,
    -- The members' host (node@backend#pool): the node whose engine takes them all at once.
    host        VARCHAR(255) NOT NULL,
    server_id   VARCHAR(255),
    -- The members' disks' total size in GB, which a list may sort by.
    size        INTEGER      NOT NULL,
    name        VARCHAR(255),
    description VARCHAR(255),
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT,
    deleted_at  BIGINT,
    deleted     BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_evs_snapshot_groups_project_created
    ON evs_snapshot_groups (project_id, created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_evs_snapshot_groups_status ON evs_snapshot_groups (status) WHERE deleted = FALSE;

CREATE TABLE evs_tags (
    resource_type VARCHAR(16)  NOT NULL,
    resource_id   VARCHAR(36)  NOT NULL,
    project_id    VARCHAR(255) NOT NULL,
    tag_key       VARCHAR(128) NOT NULL,
    tag_value     VARCHAR(255) NOT NULL,
    PRIMARY KEY (resource_type, resource_id, tag_key)
);
CREATE INDEX ix_evs_tags_project ON evs_tags (project_id, resource_type, tag_key);

-- The jobs the v5 API answers with: each is the task that carries out the request (its id is the task's), recorded
-- with the project that may query it and what it acts on, which outlive a deleted snapshot or group.
CREATE TABLE evs_jobs (
    id                VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id        VARCHAR(255) NOT NULL,
    job_type          VARCHAR(64)  NOT NULL,
    snapshot_id       VARCHAR(36),
    volume_id         VARCHAR(36),
    snapshot_group_id VARCHAR(36),
    created_at        BIGINT       NOT NULL
);
