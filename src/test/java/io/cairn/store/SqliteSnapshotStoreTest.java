package io.cairn.store;

import io.cairn.store.contract.AbstractSnapshotStoreTest;
import io.cairn.store.contract.StoreBackend;

class SqliteSnapshotStoreTest extends AbstractSnapshotStoreTest {
    SqliteSnapshotStoreTest() {
        super(StoreBackend.SQLITE);
    }
}
