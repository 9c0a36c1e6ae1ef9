package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.store.contract.AbstractSchemaMigrationsTest;
import io.cairn.store.contract.StoreBackend;
import org.junit.jupiter.api.Test;

class PostgresqlSchemaMigrationsTest extends AbstractSchemaMigrationsTest {
    PostgresqlSchemaMigrationsTest() {
        super(StoreBackend.POSTGRESQL);
    }

    @Test
    void everyCharacterColumnComparesByteByByteAsOnSqlite() {
        var columns = database.transaction(tx -> tx.fetch("SELECT table_name || '.' || column_name AS name,"
                + " collation_name FROM information_schema.columns WHERE table_schema = current_schema()"
                + " AND data_type = 'character varying' AND table_name <> 'flyway_schema_history'"));

        assertThat(columns).isNotEmpty();
        assertThat(columns)
                .allSatisfy(column -> assertThat(column.get("collation_name"))
                        .as(column.get("name", String.class))
                        .isEqualTo("C"));
    }
}
