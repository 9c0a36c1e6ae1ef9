-- A row version on snapshots and volumes: the key under which the API keeps each row's rendered views. Every
-- write to the row, to its metadata, admin metadata or attachments gives it a new value, drawn from one counter
-- for the whole database (migration 11.1: RowVersionTriggers with db/row-versions/<database>.sql), so a value is
-- never reused, not even by a row purged and created again under the same id. Rows written before this migration
-- share 0.
ALTER TABLE snapshots ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE volumes ADD COLUMN row_version BIGINT NOT NULL DEFAULT 0;

-- The default-order indexes carry the version too, so that a list page's ids and versions come from the index
-- alone (an index-only scan on PostgreSQL, a covering index on SQLite), deep offsets included.
DROP INDEX ix_snapshots_project_created;
CREATE INDEX ix_snapshots_project_created ON snapshots (project_id, created_at, id, row_version) WHERE deleted = FALSE;
DROP INDEX ix_snapshots_created;
CREATE INDEX ix_snapshots_created ON snapshots (created_at, id, row_version) WHERE deleted = FALSE;
DROP INDEX ix_volumes_project_created;
CREATE INDEX ix_volumes_project_created ON volumes (project_id, created_at, id, row_version) WHERE deleted = FALSE;
DROP INDEX ix_volumes_created;
CREATE INDEX ix_volumes_created ON volumes (created_at, id, row_version) WHERE deleted = FALSE;
