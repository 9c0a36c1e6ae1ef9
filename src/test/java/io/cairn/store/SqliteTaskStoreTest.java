package io.cairn.store;

import io.cairn.store.contract.AbstractTaskStoreTest;
import io.cairn.store.contract.StoreBackend;

class SqliteTaskStoreTest extends AbstractTaskStoreTest {
    SqliteTaskStoreTest() {
        super(StoreBackend.SQLITE);
    }
}
