-- SQLite's row version triggers (migration 11.1, RowVersionTriggers; see V11). Triggers, not the stores, bump
-- the version: then no write path, present or future, can forget to. SQLite has no sequences, so the counter is a
-- one-row table; SQLite runs one writer at a time, so the counter costs no concurrency, and a transaction rolled
-- back takes its values back with the rows no other connection saw. Each trigger gives the row the counter's next
-- value. The row triggers fire only when the statement left row_version as it was, which keeps the triggers' own
-- UPDATE of row_version from firing them again. Statements are separated by blank lines.

CREATE TABLE row_version_counter (value BIGINT NOT NULL)

INSERT INTO row_version_counter (value) VALUES (0)

CREATE TRIGGER snapshots_version_insert AFTER INSERT ON snapshots
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE snapshots SET row_version = (SELECT value FROM row_version_counter) WHERE id = NEW.id;
END

CREATE TRIGGER snapshots_version_update AFTER UPDATE ON snapshots WHEN NEW.row_version = OLD.row_version
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE snapshots SET row_version = (SELECT value FROM row_version_counter) WHERE id = NEW.id;
END

CREATE TRIGGER volumes_version_insert AFTER INSERT ON volumes
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id = NEW.id;
END

CREATE TRIGGER volumes_version_update AFTER UPDATE ON volumes WHEN NEW.row_version = OLD.row_version
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id = NEW.id;
END

CREATE TRIGGER snapshot_metadata_version_insert AFTER INSERT ON snapshot_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE snapshots SET row_version = (SELECT value FROM row_version_counter) WHERE id = NEW.snapshot_id;
END

CREATE TRIGGER snapshot_metadata_version_update AFTER UPDATE ON snapshot_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE snapshots SET row_version = (SELECT value FROM row_version_counter) WHERE id IN (OLD.snapshot_id, NEW.snapshot_id);
END

CREATE TRIGGER snapshot_metadata_version_delete AFTER DELETE ON snapshot_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE snapshots SET row_version = (SELECT value FROM row_version_counter) WHERE id = OLD.snapshot_id;
END

CREATE TRIGGER volume_metadata_version_insert AFTER INSERT ON volume_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id = NEW.volume_id;
END

CREATE TRIGGER volume_metadata_version_update AFTER UPDATE ON volume_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id IN (OLD.volume_id, NEW.volume_id);
END

CREATE TRIGGER volume_metadata_version_delete AFTER DELETE ON volume_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id = OLD.volume_id;
END

CREATE TRIGGER volume_admin_metadata_version_insert AFTER INSERT ON volume_admin_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id = NEW.volume_id;
END

CREATE TRIGGER volume_admin_metadata_version_update AFTER UPDATE ON volume_admin_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id IN (OLD.volume_id, NEW.volume_id);
END

CREATE TRIGGER volume_admin_metadata_version_delete AFTER DELETE ON volume_admin_metadata
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id = OLD.volume_id;
END

CREATE TRIGGER volume_attachments_version_insert AFTER INSERT ON volume_attachments
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id = NEW.volume_id;
END

CREATE TRIGGER volume_attachments_version_update AFTER UPDATE ON volume_attachments
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id IN (OLD.volume_id, NEW.volume_id);
END

CREATE TRIGGER volume_attachments_version_delete AFTER DELETE ON volume_attachments
BEGIN
    UPDATE row_version_counter SET value = value + 1;
    UPDATE volumes SET row_version = (SELECT value FROM row_version_counter) WHERE id = OLD.volume_id;
END
