package io.cairn.store;

import io.cairn.config.CairnConfig.DatabaseConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.function.Consumer;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The connection pool, the schema migrations and the jOOQ context for one database. On SQLite every
 * transaction begins IMMEDIATE, so writers queue on the database lock instead of failing on upgrade,
 * and the journal is a WAL with full sync, so a committed transaction survives a crash.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final DSLContext dsl;

    private Database(HikariDataSource dataSource, SQLDialect dialect) {
        this.dataSource = dataSource;
        this.dsl = DSL.using(dataSource, dialect, new Settings()
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                .withExecuteLogging(false));
    }

    /** Opens the pool and brings the schema up to date. */
    public static Database open(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.url());
        hikari.setPoolName("cairn-db");
        hikari.setMaximumPoolSize(config.poolSize());
        if (config.user() != null) {
            hikari.setUsername(config.user());
            hikari.setPassword(config.password());
        }
        SQLDialect dialect = SQLDialect.SQLITE;
        if (config.isSqlite()) {
            hikari.addDataSourceProperty("journal_mode", "WAL");
            hikari.addDataSourceProperty("synchronous", "FULL");
            // A page cache and a memory map large enough that list queries and bulk loads stay off the disk.
            hikari.addDataSourceProperty("cache_size", "-65536");
            hikari.addDataSourceProperty("mmap_size", "268435456");
            hikari.addDataSourceProperty("busy_timeout", "30000");
            hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, dialect);
    }

    public DSLContext dsl() {
        return dsl;
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
    public <T> T transaction(Function<DSLContext, T> work) {
        return dsl.transactionResult(configuration -> work.apply(configuration.dsl()));
    }

    /** Runs {@code work} in one transaction, for work that has no result. */
    public void execute(Consumer<DSLContext> work) {
        dsl.transaction(configuration -> work.accept(configuration.dsl()));
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
