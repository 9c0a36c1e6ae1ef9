-- TLS identities of the NBD data path (nbd-tls): what a connection proving one may open. The pre-shared key is not
-- stored: it is derived from the identity under the configured secret-key, so every node sharing it knows the key.
-- Deleting the row revokes the identity.
CREATE TABLE nbd_credentials (
    identity    VARCHAR(64)  NOT NULL PRIMARY KEY,
    -- The project whose exports the identity reaches; NULL for an admin identity, which reaches every export.
    project_id  VARCHAR(255),
    -- Narrows the reach to one volume and its snapshots (the credentials os-initialize_connection issues).
    volume_id   VARCHAR(36),
    -- The host a connection credential was issued to (the connector's), so that the same host gets the same one back
    -- and os-terminate_connection revokes it; NULL for the credentials operators issue.
    connector   VARCHAR(255),
    read_only   BOOLEAN      NOT NULL,
    description VARCHAR(255),
    created_at  BIGINT       NOT NULL
);
CREATE INDEX ix_nbd_credentials_project ON nbd_credentials (project_id);
CREATE UNIQUE INDEX ux_nbd_credentials_connection ON nbd_credentials (volume_id, connector)
    WHERE connector IS NOT NULL;
