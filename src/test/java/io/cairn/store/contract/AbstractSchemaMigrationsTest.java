package io.cairn.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.store.Database;
import io.cairn.store.SchemaMigrations;
import org.junit.jupiter.api.Test;

/** Migrations on every database: all applied at open, listed by status, and a newer schema refused. */
public abstract class AbstractSchemaMigrationsTest extends StoreContract {
    protected AbstractSchemaMigrationsTest(StoreBackend backend) {
        super(backend);
    }

    @Test
    void everyMigrationIsAppliedAndNothingIsPending() {
        SchemaMigrations migrations = SchemaMigrations.of(database);

        assertThat(migrations.status())
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m.state()).isEqualTo("Success"));
        assertThat(migrations.migrate()).isZero();
        assertThat(migrations.currentVersion()).isNotEmpty();
    }

    @Test
    void aSchemaNewerThanThisBuildIsRefusedWithAClearMessage() {
        database.execute(tx ->
                tx.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                        + " checksum, installed_by, execution_time, success) VALUES (999, '999', 'from the future', 'SQL',"
                        + " 'V999__from_the_future.sql', 0, 'test', 0, TRUE)"));
        database.close();

        assertThatThrownBy(() -> Database.open(config).close())
                .isInstanceOf(SchemaMigrations.SchemaTooNewException.class)
                .hasMessageContaining("newer than this Cairn")
                .hasMessageContaining("999");
        database = Database.openWithoutMigrating(config);
    }
}
