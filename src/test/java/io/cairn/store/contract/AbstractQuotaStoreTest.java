package io.cairn.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.store.QuotaStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The quota store's contract: limits, and reservations that no interleaving can push past a limit. */
public abstract class AbstractQuotaStoreTest extends StoreContract {
    QuotaStore quotas;

    protected AbstractQuotaStoreTest(StoreBackend backend) {
        super(backend);
    }

    @BeforeEach
    void stores() {
        quotas = new QuotaStore(database);
    }

    @Test
    void aLimitIsSetReplacedAndDeleted() {
        database.execute(tx -> {
            quotas.setLimit(tx, PROJECT, "volumes", 5);
            quotas.setLimit(tx, PROJECT, "volumes", 7);
            quotas.setLimit(tx, PROJECT, "gigabytes", 100);
        });
        assertThat(quotas.limits(PROJECT)).isEqualTo(Map.of("volumes", 7L, "gigabytes", 100L));
        assertThat(quotas.limits(PROJECT).get("volumes")).isEqualTo(7L);

        database.execute(tx -> quotas.deleteLimits(tx, PROJECT));
        assertThat(quotas.limits(PROJECT)).isEmpty();
        java.util.OptionalLong limit = database.transaction(tx -> quotas.limit(tx, PROJECT, "volumes"));
        assertThat(limit).isEmpty();
    }

    @Test
    void reservationsStopAtTheLimitAndReleasesNeverGoBelowZero() {
        assertThat(committed(tx -> quotas.reserve(tx, PROJECT, "volumes", 3, 4)))
                .isTrue();
        assertThat(committed(tx -> quotas.reserve(tx, PROJECT, "volumes", 2, 4)))
                .isFalse();
        assertThat(committed(tx -> quotas.reserve(tx, PROJECT, "volumes", 1, 4)))
                .isTrue();
        assertThat(committed(tx -> quotas.reserve(tx, PROJECT, "volumes", 100, -1)))
                .isTrue();
        assertThat(quotas.usages(PROJECT)).containsEntry("volumes", 104L);

        database.execute(tx -> quotas.release(tx, PROJECT, "volumes", 1000));
        assertThat(quotas.usages(PROJECT).getOrDefault("volumes", 0L)).isZero();
        assertThat(quotas.usages(OTHER_PROJECT)).isEmpty();
    }

    @Test
    void aRolledBackReservationLeavesNoUsage() {
        try {
            database.execute(tx -> {
                quotas.reserve(tx, PROJECT, "volumes", 1, 10);
                throw new IllegalStateException("the resource row could not be written");
            });
        } catch (IllegalStateException expected) {
            // the reservation rolls back with it
        }
        assertThat(quotas.usages(PROJECT).getOrDefault("volumes", 0L)).isZero();
    }

    @Test
    void concurrentReserversNeverPassTheLimit() throws Exception {
        int reservers = 16;
        int limit = 10;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < reservers; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // Two resources per transaction, as a volume create reserves, in an order that differs by thread.
                boolean volumesFirst = Thread.currentThread().threadId() % 2 == 0;
                try {
                    database.execute(tx -> {
                        boolean first = quotas.reserve(tx, PROJECT, volumesFirst ? "volumes" : "gigabytes", 1, limit);
                        boolean second = quotas.reserve(tx, PROJECT, volumesFirst ? "gigabytes" : "volumes", 1, limit);
                        if (!first || !second) {
                            throw new QuotaExceeded();
                        }
                    });
                    granted.incrementAndGet();
                } catch (QuotaExceeded refused) {
                    // over the limit: nothing of this transaction stays
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(granted.get()).isEqualTo(limit);
        assertThat(quotas.usages(PROJECT)).isEqualTo(Map.of("volumes", (long) limit, "gigabytes", (long) limit));
    }

    /** A reservation over the limit: the transaction rolls back, as the quota service's does. */
    private static final class QuotaExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
