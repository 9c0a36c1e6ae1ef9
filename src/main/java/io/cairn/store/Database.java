package io.cairn.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cairn.config.CairnConfig.DatabaseConfig;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The connection pool, the schema migrations and the jOOQ context for one database, SQLite or PostgreSQL.
 *
 * <p>On SQLite every transaction begins IMMEDIATE, the journal is a WAL with full sync (a committed
 * transaction survives a crash), and writers queue on a Java lock before they touch the database: SQLite's
 * own busy wait runs in native code, where a waiting virtual thread holds its carrier thread, and with two
 * carriers two waiters would stall the writer they wait for. So every write goes through {@link #transaction}
 * or {@link #execute}. PostgreSQL needs no such lock: it queues writers row by row, across every node that
 * shares it, and a transaction it aborts as a deadlock victim is run again.
 */
public final class Database implements AutoCloseable {
    /**
     * How often a transaction PostgreSQL aborted (deadlock, serialization failure) is tried in all: enough that a
     * transaction among many contending for the same rows is not given up (ten was not, with sixteen reservers
     * locking two rows in opposite orders), few enough that a livelock still ends.
     */
    private static final int ATTEMPTS_ON_CONFLICT = 25;

    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final SQLDialect dialect;
    /** Queues SQLite's writers; PostgreSQL queues writers itself, row by row, so it has none. */
    private final ReentrantLock writeLock = new ReentrantLock(true);

    private final boolean queueWriters;

    private Database(HikariDataSource dataSource, SQLDialect dialect, boolean queueWriters) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.queueWriters = queueWriters;
        this.dsl = DSL.using(
                dataSource,
                dialect,
                new Settings()
                        .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                        .withExecuteLogging(false));
    }

    /**
     * Opens the pool and brings the schema up to date.
     *
     * @throws SchemaMigrations.SchemaTooNewException when the database holds migrations this build does not know
     */
    public static Database open(DatabaseConfig config) {
        Database database = openWithoutMigrating(config);
        try {
            SchemaMigrations.of(database).migrate();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /** Opens the pool and leaves the schema as it is (for {@code cairn db status}). */
    public static Database openWithoutMigrating(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.url());
        hikari.setPoolName("cairn-db");
        hikari.setMaximumPoolSize(config.poolSize());
        if (config.user() != null) {
            hikari.setUsername(config.user());
            hikari.setPassword(config.password());
        }
        boolean sqlite = config.isSqlite();
        if (sqlite) {
            hikari.addDataSourceProperty("journal_mode", "WAL");
            hikari.addDataSourceProperty("synchronous", "FULL");
            // A page cache and a memory map large enough that list queries and bulk loads stay off the disk.
            hikari.addDataSourceProperty("cache_size", "-65536");
            hikari.addDataSourceProperty("mmap_size", "268435456");
            hikari.addDataSourceProperty("busy_timeout", "30000");
            hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        } else {
            // One INSERT with many rows per JDBC batch: bulk loads and metadata writes in one round trip.
            hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource dataSource = new HikariDataSource(hikari);
        return new Database(dataSource, sqlite ? SQLDialect.SQLITE : SQLDialect.POSTGRES, sqlite);
    }

    public DSLContext dsl() {
        return dsl;
    }

    HikariDataSource dataSource() {
        return dataSource;
    }

    /** Publishes the pool's own meters (connections active, idle, pending, acquire and usage times) to {@code registry}. */
    public void publishPoolMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        dataSource.setMetricRegistry(registry);
    }

    /** Flyway's name of the database, which names its folder of migrations for it alone. */
    String dialectName() {
        return dialect == SQLDialect.POSTGRES ? "postgresql" : "sqlite";
    }

    /** Whether several processes may share this database, so row locks (not the Java lock) order writers. */
    boolean locksRows() {
        return dialect == SQLDialect.POSTGRES;
    }

    /**
     * The database's clock in microseconds since the epoch, evaluated in the statement: every node of a
     * cluster reads the same clock, so leases mean the same on all of them whatever their own clocks say.
     */
    Field<Long> nowMicros() {
        return switch (dialect) {
            case POSTGRES -> DSL.field("(extract(epoch from clock_timestamp()) * 1000000)::bigint", SQLDataType.BIGINT);
            // julianday is in days with millisecond resolution; the one clock of a one-machine database.
            default ->
                DSL.field(
                        "cast(round((julianday('now') - 2440587.5) * 86400000.0) as integer) * 1000",
                        SQLDataType.BIGINT);
        };
    }

    /**
     * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. On
     * PostgreSQL a transaction aborted as a deadlock victim or a serialization failure runs again from the
     * start, so {@code work} must do nothing but database work.
     */
    public <T> T transaction(Function<DSLContext, T> work) {
        if (queueWriters) {
            writeLock.lock();
        }
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return dsl.transactionResult(configuration -> work.apply(configuration.dsl()));
                } catch (RuntimeException e) {
                    if (attempt >= ATTEMPTS_ON_CONFLICT || !isTransient(e)) {
                        throw e;
                    }
                    backOff(attempt);
                }
            }
        } finally {
            if (queueWriters) {
                writeLock.unlock();
            }
        }
    }

    /** Runs {@code work} in one transaction, for work that has no result. */
    public void execute(Consumer<DSLContext> work) {
        transaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /** A growing, randomised pause, so that transactions that collided do not collide again in step. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 20L * attempt));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a transaction", interrupted);
        }
    }

    /** PostgreSQL's deadlock_detected (40P01) and serialization_failure (40001). */
    private static boolean isTransient(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql
                    && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
