package io.cairn.store;

import io.cairn.store.contract.AbstractQuotaStoreTest;
import io.cairn.store.contract.StoreBackend;

class PostgresqlQuotaStoreTest extends AbstractQuotaStoreTest {
    PostgresqlQuotaStoreTest() {
        super(StoreBackend.POSTGRESQL);
    }
}
