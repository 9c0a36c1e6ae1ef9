-- AK/SK credentials for EVS clients (CAIRN_AUTH=...,aksk), managed by `cairn access-key`.
-- The secret is needed to verify a signature, so it cannot be hashed: it is sealed with AES-GCM under the
-- configured secret-key (CAIRN_SECRET_KEY), as base64 of nonce || ciphertext || tag, bound to its access key.
CREATE TABLE access_keys (
    access_key    VARCHAR(64)  NOT NULL PRIMARY KEY,
    project_id    VARCHAR(255) NOT NULL,
    user_id       VARCHAR(255) NOT NULL,
    roles         VARCHAR(255) NOT NULL,
    sealed_secret VARCHAR(512) NOT NULL,
    description   VARCHAR(255),
    created_at    BIGINT       NOT NULL
);
CREATE INDEX ix_access_keys_project ON access_keys (project_id);

-- Signatures of requests already served, kept until their X-Sdk-Date leaves the clock window, so that a
-- replayed request is refused on every node that shares the database.
CREATE TABLE used_signatures (
    signature  VARCHAR(64) NOT NULL PRIMARY KEY,
    expires_at BIGINT      NOT NULL
);
CREATE INDEX ix_used_signatures_expiry ON used_signatures (expires_at);
