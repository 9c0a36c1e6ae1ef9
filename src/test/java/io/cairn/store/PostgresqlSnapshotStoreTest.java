package io.cairn.store;

import io.cairn.store.contract.AbstractSnapshotStoreTest;
import io.cairn.store.contract.StoreBackend;

class PostgresqlSnapshotStoreTest extends AbstractSnapshotStoreTest {
    PostgresqlSnapshotStoreTest() {
        super(StoreBackend.POSTGRESQL);
    }
}
