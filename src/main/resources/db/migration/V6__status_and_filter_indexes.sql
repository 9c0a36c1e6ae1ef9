-- The common snapshot list filters (volume_id, name, status) each get an index that also gives the default
-- sort order: a filtered page then reads its 50 rows instead of scanning the project for them.
CREATE INDEX ix_snapshots_project_volume ON snapshots (project_id, volume_id, created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_snapshots_project_name ON snapshots (project_id, display_name, created_at, id) WHERE deleted = FALSE;
CREATE INDEX ix_snapshots_project_status ON snapshots (project_id, status, created_at, id) WHERE deleted = FALSE;
-- The recovery pass at start-up looks rows up by status across projects: transitional states are rare, so
-- these make it read only what it resumes, at any table size.
CREATE INDEX ix_snapshots_status ON snapshots (status) WHERE deleted = FALSE;
CREATE INDEX ix_volumes_status ON volumes (status) WHERE deleted = FALSE;
