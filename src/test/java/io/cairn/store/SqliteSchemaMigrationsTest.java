package io.cairn.store;

import io.cairn.store.contract.AbstractSchemaMigrationsTest;
import io.cairn.store.contract.StoreBackend;

class SqliteSchemaMigrationsTest extends AbstractSchemaMigrationsTest {
    SqliteSchemaMigrationsTest() {
        super(StoreBackend.SQLITE);
    }
}
