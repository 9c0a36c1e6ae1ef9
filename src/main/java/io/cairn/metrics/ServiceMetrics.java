package io.cairn.metrics;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.Work;
import io.cairn.http.ApiServer;
import io.cairn.store.TaskStore.QueueState;
import io.cairn.store.TaskStore.Task;
import io.cairn.task.TaskHandler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's meters, exposed on {@code GET /metrics} in Prometheus' text format: HTTP requests by route
 * template, method and status (with latency histograms), the task queue, task outcomes, and the JVM. The
 * database pool's meters are Hikari's own, registered by the store on {@link #registry()}.
 */
public final class ServiceMetrics implements ApiServer.Telemetry, AutoCloseable {
    /** How long one reading of the task queue serves the gauges: one query per scrape, not one per gauge. */
    private static final Duration QUEUE_READING_TTL = Duration.ofSeconds(1);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Clock clock;

    private record RequestKey(String method, String route, int status) {}

    private record QueueReading(QueueState state, Instant readAt) {}

    public ServiceMetrics(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Where other components (the database pool) register their own meters. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void requestFinished(String method, String route, int status, long durationNanos) {
        requestTimers
                .computeIfAbsent(
                        new RequestKey(method, route, status),
                        key -> Timer.builder("cairn.http.server.requests")
                                .description("HTTP requests by route template, method and status")
                                .tag("method", key.method())
                                .tag("route", key.route())
                                .tag("status", Integer.toString(key.status()))
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(30))
                                .register(registry))
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }

    /** Gauges of the open tasks of every node: how many wait, how many run, and how old the oldest is. */
    public void watchTaskQueue(Supplier<QueueState> queue) {
        Supplier<QueueState> cached = new Supplier<>() {
            private volatile QueueReading last;

            @Override
            public QueueState get() {
                QueueReading reading = last;
                Instant now = clock.instant();
                if (reading == null || reading.readAt().plus(QUEUE_READING_TTL).isBefore(now)) {
                    reading = new QueueReading(queue.get(), now);
                    last = reading;
                }
                return reading.state();
            }
        };
        Gauge.builder("cairn.tasks.open", cached, q -> q.get().pending())
                .tag("state", "pending")
                .description("Tasks waiting to be claimed")
                .register(registry);
        Gauge.builder("cairn.tasks.open", cached, q -> q.get().running())
                .tag("state", "running")
                .description("Tasks a worker holds")
                .register(registry);
        Gauge.builder(
                        "cairn.tasks.oldest.open.age",
                        cached,
                        q -> q.get()
                                .oldestEnqueuedAt()
                                .map(at -> Math.max(
                                                0,
                                                Duration.between(at, clock.instant())
                                                        .toMillis())
                                        / 1000.0)
                                .orElse(0.0))
                .baseUnit("seconds")
                .description("Age of the oldest pending or running task")
                .register(registry);
    }

    /**
     * Wraps each handler so that every attempt is timed and counted by kind and outcome: {@code succeeded},
     * {@code failed} (an attempt that threw; the worker retries it) and {@code gave_up} (the resource went to error).
     */
    public Map<Work, TaskHandler> metered(Map<Work, TaskHandler> handlers) {
        Map<Work, TaskHandler> metered = new HashMap<>();
        handlers.forEach((kind, handler) -> metered.put(kind, new MeteredHandler(kind, handler)));
        return metered;
    }

    private final class MeteredHandler implements TaskHandler {
        private final TaskHandler handler;
        private final Timer succeeded;
        private final Timer failed;
        private final Timer gaveUp;

        MeteredHandler(Work kind, TaskHandler handler) {
            this.handler = handler;
            this.succeeded = taskTimer(kind, "succeeded");
            this.failed = taskTimer(kind, "failed");
            this.gaveUp = taskTimer(kind, "gave_up");
        }

        @Override
        public void run(Task task) throws Exception {
            long started = System.nanoTime();
            boolean ok = false;
            try {
                handler.run(task);
                ok = true;
            } finally {
                (ok ? succeeded : failed).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void giveUp(Task task, Exception cause) {
            long started = System.nanoTime();
            try {
                handler.giveUp(task, cause);
            } finally {
                gaveUp.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        }
    }

    private Timer taskTimer(Work kind, String outcome) {
        return Timer.builder("cairn.tasks.attempts")
                .description("Task attempts by kind and outcome")
                .tag("kind", kind.name().toLowerCase(Locale.ROOT))
                .tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
