package io.cairn.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What bounds a backup's memory and connections: transfers at most so many at once, buffers at most so many. */
class TransfersTest {
    @Test
    void noMoreTransfersRunAtOnceThanTheLimit() throws IOException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        try (Transfers transfers = new Transfers(3)) {
            for (int task = 0; task < 40; task++) {
                transfers.submit(
                        () -> {
                            most.accumulateAndGet(running.incrementAndGet(), Math::max);
                            pause(5);
                            running.decrementAndGet();
                        },
                        ended::incrementAndGet);
            }
            transfers.finish();
        }

        assertThat(most.get()).isBetween(2, 3);
        assertThat(ended).hasValue(40);
    }

    @Test
    void theFirstFailureIsThrownAndTransfersNotYetStartedAreSkipped() throws IOException {
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        CountDownLatch failed = new CountDownLatch(1);
        try (Transfers transfers = new Transfers(1)) {
            transfers.submit(
                    () -> {
                        throw new IOException("the first");
                    },
                    failed::countDown);
            awaitQuietly(failed);
            transfers.submit(ran::incrementAndGet, ended::incrementAndGet);
            transfers.submit(
                    () -> {
                        throw new IOException("a later one");
                    },
                    ended::incrementAndGet);

            assertThatThrownBy(transfers::finish)
                    .isInstanceOf(IOException.class)
                    .hasMessage("the first");
        }
        assertThat(ran).hasValue(0);
        assertThat(ended).as("after runs for skipped transfers too").hasValue(2);
    }

    @Test
    void aTakerWaitsWhileEveryBufferIsTakenAndGetsOneGivenBack() throws Exception {
        ChunkBuffers buffers = new ChunkBuffers(16, 2);
        byte[] first = buffers.take();
        byte[] second = buffers.take();
        CountDownLatch took = new CountDownLatch(1);
        byte[][] third = new byte[1][];
        Thread taker = Thread.ofVirtual().start(() -> {
            try {
                third[0] = buffers.take();
                took.countDown();
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThat(took.await(200, TimeUnit.MILLISECONDS)).isFalse();
        buffers.give(first);
        assertThat(took.await(10, TimeUnit.SECONDS)).isTrue();
        taker.join();
        assertThat(third[0]).isSameAs(first).isNotSameAs(second);
    }

    private static void pause(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) throws InterruptedIOException {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }
}
