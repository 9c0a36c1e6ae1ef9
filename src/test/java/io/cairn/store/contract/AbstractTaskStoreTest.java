package io.cairn.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.store.TaskStore;
import io.cairn.store.TaskStore.Task;
import io.cairn.store.VolumeStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The task table's contract, the same on every database: one claim per task however many workers race,
 * leases by the database's clock that expire and are taken over, pinned tasks for their node only.
 */
public abstract class AbstractTaskStoreTest extends StoreContract {
    private static final Duration LONG_LEASE = Duration.ofMinutes(5);

    TaskStore tasks;

    protected AbstractTaskStoreTest(StoreBackend backend) {
        super(backend);
    }

    @BeforeEach
    void stores() {
        tasks = new TaskStore(database);
    }

    private String enqueue(String resourceId, long second, Optional<String> node) {
        return database.transaction(tx -> tasks.enqueue(tx, "CREATE_VOLUME", resourceId, "payload", node, at(second)));
    }

    @Test
    void claimsTheOldestTaskOnceAndLeasesItToTheClaimer() {
        String older = enqueue("r1", 1, Optional.empty());
        String newer = enqueue("r2", 2, Optional.empty());

        Task first = tasks.claim("node1", "node1", LONG_LEASE).orElseThrow();
        Task second = tasks.claim("node2", "node2", LONG_LEASE).orElseThrow();

        assertThat(first).isEqualTo(new Task(older, "CREATE_VOLUME", "r1", "payload", 1, "node1"));
        assertThat(second.id()).isEqualTo(newer);
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).isEmpty();
        assertThat(tasks.hasOpenTask("r1")).isTrue();
        assertThat(tasks.openTaskCount()).isEqualTo(2);
    }

    @Test
    void anObservedTaskShowsWhereItStandsAndTheFirstTaskSinceAnInstantIsFound() {
        String first = enqueue("r1", 10, Optional.empty());
        String second = enqueue("r1", 20, Optional.empty());
        enqueue("r2", 30, Optional.empty());

        assertThat(tasks.firstSince("r1", "CREATE_VOLUME", at(0))).contains(first);
        assertThat(tasks.firstSince("r1", "CREATE_VOLUME", at(11))).contains(second);
        assertThat(tasks.firstSince("r1", "CREATE_VOLUME", at(21))).isEmpty();
        assertThat(tasks.firstSince("r1", "DELETE_VOLUME", at(0))).isEmpty();

        TaskStore.Observed pending = tasks.observe(first).orElseThrow();
        assertThat(pending.stage()).isEqualTo(TaskStore.Stage.PENDING);
        assertThat(pending.attempts()).isZero();
        assertThat(pending.enqueuedAt()).isEqualTo(at(10));
        assertThat(pending.resourceId()).isEqualTo("r1");
        Task claimed = tasks.claim("node1", "node1", LONG_LEASE).orElseThrow();
        assertThat(tasks.observe(claimed.id()).orElseThrow().stage()).isEqualTo(TaskStore.Stage.RUNNING);
        assertThat(tasks.fail(claimed.id(), "node1", "broken")).isTrue();
        assertThat(tasks.observe(claimed.id()).orElseThrow().stage()).isEqualTo(TaskStore.Stage.FAILED);
        Task next = tasks.claim("node1", "node1", LONG_LEASE).orElseThrow();
        assertThat(tasks.complete(next.id(), "node1")).isTrue();
        assertThat(tasks.observe(next.id()).orElseThrow().stage()).isEqualTo(TaskStore.Stage.DONE);
        assertThat(tasks.observe("no-such-task")).isEmpty();
    }

    @Test
    void onlyTheLeaseHolderCompletesOrFails() {
        String id = enqueue("r1", 1, Optional.empty());
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).isPresent();

        assertThat(tasks.complete(id, "node2")).isFalse();
        assertThat(tasks.fail(id, "node2", "not mine")).isFalse();
        assertThat(tasks.complete(id, "node1")).isTrue();

        assertThat(tasks.hasOpenTask("r1")).isFalse();
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).isEmpty();
    }

    @Test
    void aTaskEndedInTheCallersTransactionStaysRunningWhenThatTransactionRollsBack() {
        enqueue("r1", 1, Optional.empty());
        Task task = tasks.claim("node1", "node1", LONG_LEASE).orElseThrow();

        assertThatThrownBy(() -> database.execute(tx -> {
                    tasks.finish(tx, task, Optional.empty());
                    throw new IllegalStateException("the outcome's transaction failed");
                }))
                .hasMessageContaining("outcome");
        assertThat(tasks.hasOpenTask("r1")).isTrue();

        database.execute(tx -> tasks.finish(tx, task, Optional.of(new IOException("disk gone"))));
        assertThat(tasks.hasOpenTask("r1")).isFalse();
        assertThat(tasks.complete(task.id(), "node1")).as("already ended").isFalse();
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).isEmpty();
    }

    @Test
    void racingClaimersGetEveryTaskExactlyOnce() throws Exception {
        int taskCount = 200;
        for (int i = 0; i < taskCount; i++) {
            enqueue("r" + i, i, Optional.empty());
        }
        Set<String> claimed = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> duplicates = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 12; w++) {
            String owner = "node" + (w % 3);
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (Optional<Task> task = tasks.claim(owner, owner, LONG_LEASE);
                        task.isPresent();
                        task = tasks.claim(owner, owner, LONG_LEASE)) {
                    if (!claimed.add(task.get().id())) {
                        duplicates.add(task.get().id());
                    }
                    assertThat(tasks.complete(task.get().id(), owner)).isTrue();
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(duplicates).isEmpty();
        assertThat(claimed).hasSize(taskCount);
        assertThat(tasks.openTaskCount()).isZero();
    }

    @Test
    void aTaskWhoseLeaseExpiredIsTakenOverAndTheOldHolderCanNoLongerFinishIt() throws Exception {
        String id = enqueue("r1", 1, Optional.empty());
        assertThat(tasks.claim("dead-node", "dead-node", Duration.ofMillis(200)))
                .isPresent();
        assertThat(tasks.claim("node2", "node2", LONG_LEASE)).isEmpty();

        Thread.sleep(300);
        Task taken = tasks.claim("node2", "node2", LONG_LEASE).orElseThrow();

        assertThat(taken.id()).isEqualTo(id);
        assertThat(taken.attempts()).isEqualTo(2);
        assertThat(tasks.complete(id, "dead-node")).isFalse();
        assertThat(tasks.complete(id, "node2")).isTrue();
    }

    @Test
    void aRenewedLeaseDoesNotExpire() throws Exception {
        String id = enqueue("r1", 1, Optional.empty());
        assertThat(tasks.claim("node1", "node1", Duration.ofMillis(300))).isPresent();

        assertThat(tasks.renew("node1", List.of(id), LONG_LEASE)).isEqualTo(1);
        assertThat(tasks.renew("node2", List.of(id), LONG_LEASE)).isZero();
        Thread.sleep(400);

        assertThat(tasks.claim("node2", "node2", LONG_LEASE)).isEmpty();
    }

    @Test
    void aTaskPinnedToANodeIsClaimedByThatNodeOnly() {
        String pinned = enqueue("r1", 1, Optional.of("node1"));
        String anywhere = enqueue("r2", 2, Optional.empty());

        assertThat(tasks.claim("node2", "node2", LONG_LEASE)).map(Task::id).contains(anywhere);
        assertThat(tasks.claim("node2", "node2", LONG_LEASE)).isEmpty();
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).map(Task::id).contains(pinned);
    }

    @Test
    void aRetryIsDueOnlyAfterItsDelay() throws Exception {
        String id = enqueue("r1", 1, Optional.empty());
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).isPresent();

        tasks.retryLater(id, "node1", "disk full", Duration.ofMillis(300));
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).isEmpty();
        assertThat(tasks.hasOpenTask("r1")).isTrue();
        Thread.sleep(400);

        assertThat(tasks.claim("node1", "node1", LONG_LEASE))
                .map(Task::attempts)
                .contains(2);
    }

    @Test
    void releasingANodesTasksLeavesOtherNodesLeasesAlone() {
        String mine = enqueue("r1", 1, Optional.empty());
        String theirs = enqueue("r2", 2, Optional.empty());
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).isPresent();
        assertThat(tasks.claim("node2", "node2", LONG_LEASE)).isPresent();

        assertThat(tasks.releaseAll("node1")).isEqualTo(1);

        assertThat(tasks.claim("node3", "node3", LONG_LEASE)).map(Task::id).contains(mine);
        assertThat(tasks.complete(theirs, "node2")).isTrue();
    }

    @Test
    void pruningDropsOnlyFinishedTasks() throws Exception {
        String done = enqueue("r1", 1, Optional.empty());
        enqueue("r2", 2, Optional.empty());
        assertThat(tasks.claim("node1", "node1", LONG_LEASE)).isPresent();
        tasks.complete(done, "node1");
        Thread.sleep(20);

        assertThat(tasks.prune(Duration.ofMillis(10))).isEqualTo(1);
        assertThat(tasks.openTaskCount()).isEqualTo(1);
    }

    @Test
    void aVolumesNodeIsTheNodePartOfItsHost() {
        VolumeStore volumes = new VolumeStore(database);
        String volumeId = newId();
        database.execute(tx -> volumes.insert(tx, volume(volumeId, PROJECT, at(0), "node7@local#default")));

        Optional<String> node = database.transaction(tx -> tasks.volumeNode(tx, volumeId));
        assertThat(node).contains("node7");
        Optional<String> none = database.transaction(tx -> tasks.volumeNode(tx, "no-such-volume"));
        assertThat(none).isEmpty();
    }
}
