package io.cairn.store;

import io.cairn.store.contract.AbstractVolumeStoreTest;
import io.cairn.store.contract.StoreBackend;

class SqliteVolumeStoreTest extends AbstractVolumeStoreTest {
    SqliteVolumeStoreTest() {
        super(StoreBackend.SQLITE);
    }
}
