package io.cairn.store;

import io.cairn.store.contract.AbstractSchemaMigrationsTest;
import io.cairn.store.contract.StoreBackend;

class PostgresqlSchemaMigrationsTest extends AbstractSchemaMigrationsTest {
    PostgresqlSchemaMigrationsTest() {
        super(StoreBackend.POSTGRESQL);
    }
}
