-- PostgreSQL only: text columns that clients sort and page by compare byte by byte (the "C" collation),
-- as SQLite compares them, whatever locale the database was created with. Sort order and the keyset
-- condition of a marker then agree on both databases, and the indexes compare faster.

ALTER TABLE volumes
    ALTER COLUMN id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN project_id TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN user_id TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN status TYPE VARCHAR(32) COLLATE "C",
    ALTER COLUMN attach_status TYPE VARCHAR(32) COLLATE "C",
    ALTER COLUMN migration_status TYPE VARCHAR(32) COLLATE "C",
    ALTER COLUMN availability_zone TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN host TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN display_name TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN display_description TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN snapshot_id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN source_volid TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN volume_type_id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN group_id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN previous_status TYPE VARCHAR(32) COLLATE "C",
    ALTER COLUMN replication_status TYPE VARCHAR(32) COLLATE "C",
    ALTER COLUMN consistencygroup_id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN provider_id TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN provider_location TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN encryption_key_id TYPE VARCHAR(36) COLLATE "C";

ALTER TABLE snapshots
    ALTER COLUMN id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN project_id TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN user_id TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN volume_id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN cgsnapshot_id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN group_snapshot_id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN status TYPE VARCHAR(32) COLLATE "C",
    ALTER COLUMN progress TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN display_name TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN display_description TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN provider_location TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN provider_id TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN provider_auth TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN encryption_key_id TYPE VARCHAR(36) COLLATE "C",
    ALTER COLUMN volume_type_id TYPE VARCHAR(36) COLLATE "C";
