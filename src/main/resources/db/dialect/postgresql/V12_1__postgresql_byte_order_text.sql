-- PostgreSQL only: every character column compares byte by byte (the "C" collation), as SQLite compares text,
-- whatever locale the database was created with. Sort orders, the keyset condition of a marker and the offset a
-- page starts at then agree on both databases, and the indexes compare faster. It takes the place of a 5.1 that
-- never ran (this folder was not read before 12.1), and covers every table; a test holds later tables to it too.

DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT col.table_name, col.column_name, col.character_maximum_length
        FROM information_schema.columns col
        JOIN information_schema.tables t
            ON t.table_schema = col.table_schema AND t.table_name = col.table_name AND t.table_type = 'BASE TABLE'
        WHERE col.table_schema = current_schema()
          AND col.data_type = 'character varying'
          AND col.table_name <> 'flyway_schema_history'
          AND col.collation_name IS DISTINCT FROM 'C'
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE VARCHAR%s COLLATE "C"',
            c.table_name, c.column_name,
            CASE WHEN c.character_maximum_length IS NULL THEN '' ELSE '(' || c.character_maximum_length || ')' END);
    END LOOP;
END
$$;
