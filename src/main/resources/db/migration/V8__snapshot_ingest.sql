-- Snapshot ingests (the direct-access write API): a snapshot built from blocks a client puts into a staging volume.
-- The row outlives its end (completed, aborted, expired) so that a client token keeps naming what it started.
CREATE TABLE snapshot_ingests (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id          VARCHAR(255) NOT NULL,
    user_id             VARCHAR(255) NOT NULL,
    -- The staging volume the blocks are written to, and the id the snapshot taken of it at completion gets.
    volume_id           VARCHAR(36)  NOT NULL,
    snapshot_id         VARCHAR(36)  NOT NULL,
    parent_snapshot_id  VARCHAR(36),
    client_token        VARCHAR(64),
    volume_size         INTEGER      NOT NULL,
    timeout_minutes     INTEGER      NOT NULL,
    display_name        VARCHAR(255),
    display_description VARCHAR(255),
    -- The snapshot's metadata as a JSON object, given at the start and set on the snapshot at completion.
    metadata            TEXT         NOT NULL,
    status              VARCHAR(16)  NOT NULL,
    -- The blocks a completed ingest was verified with; its block rows go once the snapshot is taken.
    completed_blocks    BIGINT,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT,
    -- The last activity (start, a put) plus the timeout: an open ingest past it is cleaned up by any node's sweep.
    expires_at          BIGINT       NOT NULL
);
CREATE UNIQUE INDEX ux_snapshot_ingests_token ON snapshot_ingests (project_id, client_token);
CREATE INDEX ix_snapshot_ingests_open ON snapshot_ingests (status, expires_at);
CREATE INDEX ix_snapshot_ingests_volume ON snapshot_ingests (volume_id);

-- The blocks an ingest received, with their SHA-256 (base64), so that completion is verified after a restart.
-- A put marks its block with itself as writer before it writes the data and clears it once the data is durable;
-- a block with a writer was not received whole (a crash, a concurrent put of the same block) and must be put again.
CREATE TABLE snapshot_ingest_blocks (
    ingest_id   VARCHAR(36) NOT NULL,
    block_index BIGINT      NOT NULL,
    checksum    VARCHAR(44),
    writer      VARCHAR(36),
    PRIMARY KEY (ingest_id, block_index)
);
