-- PostgreSQL's row version triggers (migration 11.1, RowVersionTriggers; see V11). Triggers, not the stores,
-- bump the version: then no write path, present or future, can forget to. Versions come from one sequence, which
-- hands out values without waiting on other transactions (a value lost to a rollback is never handed out again).
-- A BEFORE trigger on the row itself gives every inserted or updated row the next value; a write to what hangs off
-- the row (metadata, admin metadata, attachments) touches the row, which fires that trigger. Another node's write
-- therefore changes the version that this node's next read sees. Statements are separated by blank lines.

CREATE SEQUENCE row_versions

CREATE FUNCTION next_row_version() RETURNS trigger AS $$
BEGIN
    NEW.row_version := nextval('row_versions');
    RETURN NEW;
END
$$ LANGUAGE plpgsql

CREATE TRIGGER snapshots_row_version BEFORE INSERT OR UPDATE ON snapshots
    FOR EACH ROW EXECUTE FUNCTION next_row_version()

CREATE TRIGGER volumes_row_version BEFORE INSERT OR UPDATE ON volumes
    FOR EACH ROW EXECUTE FUNCTION next_row_version()

CREATE FUNCTION touch_snapshot() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE snapshots SET row_version = row_version WHERE id = OLD.snapshot_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE snapshots SET row_version = row_version WHERE id = NEW.snapshot_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql

CREATE FUNCTION touch_volume() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE volumes SET row_version = row_version WHERE id = OLD.volume_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE volumes SET row_version = row_version WHERE id = NEW.volume_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql

CREATE TRIGGER snapshot_metadata_touch AFTER INSERT OR UPDATE OR DELETE ON snapshot_metadata
    FOR EACH ROW EXECUTE FUNCTION touch_snapshot()

CREATE TRIGGER volume_metadata_touch AFTER INSERT OR UPDATE OR DELETE ON volume_metadata
    FOR EACH ROW EXECUTE FUNCTION touch_volume()

CREATE TRIGGER volume_admin_metadata_touch AFTER INSERT OR UPDATE OR DELETE ON volume_admin_metadata
    FOR EACH ROW EXECUTE FUNCTION touch_volume()

CREATE TRIGGER volume_attachments_touch AFTER INSERT OR UPDATE OR DELETE ON volume_attachments
    FOR EACH ROW EXECUTE FUNCTION touch_volume()
