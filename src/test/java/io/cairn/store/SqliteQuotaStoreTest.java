package io.cairn.store;

import io.cairn.store.contract.AbstractQuotaStoreTest;
import io.cairn.store.contract.StoreBackend;

class SqliteQuotaStoreTest extends AbstractQuotaStoreTest {
    SqliteQuotaStoreTest() {
        super(StoreBackend.SQLITE);
    }
}
