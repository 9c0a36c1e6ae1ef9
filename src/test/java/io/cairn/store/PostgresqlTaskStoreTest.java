package io.cairn.store;

import io.cairn.store.contract.AbstractTaskStoreTest;
import io.cairn.store.contract.StoreBackend;

class PostgresqlTaskStoreTest extends AbstractTaskStoreTest {
    PostgresqlTaskStoreTest() {
        super(StoreBackend.POSTGRESQL);
    }
}
