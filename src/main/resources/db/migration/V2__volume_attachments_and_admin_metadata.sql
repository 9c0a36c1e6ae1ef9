-- Volume attachments (os-attach / os-detach), Cinder's admin metadata (readonly, attached_mode), and the
-- columns volume actions need.

CREATE TABLE volume_attachments (
    id             VARCHAR(36)  NOT NULL PRIMARY KEY,
    volume_id      VARCHAR(36)  NOT NULL,
    instance_uuid  VARCHAR(36),
    attached_host  VARCHAR(255),
    mountpoint     VARCHAR(255),
    attach_mode    VARCHAR(2)   NOT NULL,
    attach_status  VARCHAR(32)  NOT NULL,
    attached_at    BIGINT,
    detached_at    BIGINT
);
CREATE INDEX ix_volume_attachments_volume ON volume_attachments (volume_id);

CREATE TABLE volume_admin_metadata (
    volume_id  VARCHAR(36)  NOT NULL,
    meta_key   VARCHAR(255) NOT NULL,
    meta_value VARCHAR(255) NOT NULL,
    PRIMARY KEY (volume_id, meta_key)
);

-- The status to return to when an extend of an in-use volume finishes.
ALTER TABLE volumes ADD COLUMN previous_status VARCHAR(32);
ALTER TABLE volumes ADD COLUMN replication_status VARCHAR(32);
ALTER TABLE volumes ADD COLUMN consistencygroup_id VARCHAR(36);
ALTER TABLE volumes ADD COLUMN provider_id VARCHAR(255);
ALTER TABLE volumes ADD COLUMN provider_location VARCHAR(255);
ALTER TABLE volumes ADD COLUMN encryption_key_id VARCHAR(36);
ALTER TABLE volumes ADD COLUMN scheduled_at BIGINT;
ALTER TABLE volumes ADD COLUMN terminated_at BIGINT;
