package io.cairn.store;

import io.cairn.store.contract.AbstractVolumeStoreTest;
import io.cairn.store.contract.StoreBackend;

class PostgresqlVolumeStoreTest extends AbstractVolumeStoreTest {
    PostgresqlVolumeStoreTest() {
        super(StoreBackend.POSTGRESQL);
    }
}
