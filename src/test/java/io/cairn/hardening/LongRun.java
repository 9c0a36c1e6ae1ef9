package io.cairn.hardening;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * The hardening suites run short in {@code ./cairn test} and long in CI's second pass, started with
 * {@code -Dcairn.long=true}: more generated cases, more kill cycles, the ten-minute load run.
 */
public final class LongRun {
    private LongRun() {}

    public static boolean enabled() {
        return Boolean.getBoolean("cairn.long");
    }

    /** {@code quick} in the default run, {@code thorough} in the long one. */
    public static int pick(int quick, int thorough) {
        return enabled() ? thorough : quick;
    }

    /**
     * Whether this is the pom's second surefire execution (the HTTP suites on PostgreSQL). CI's {@code -Dtest}
     * selects the long suites in every execution; they run once, in the first, and read SQLite's file.
     */
    public static boolean inPostgresqlExecution() {
        return "postgresql".equals(System.getProperty("cairn.test.db"));
    }

    /** Skips a jqwik container in the PostgreSQL execution (see {@link #inPostgresqlExecution}). */
    public static final class SkipInPostgresqlExecution implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return inPostgresqlExecution()
                    ? SkipResult.skip("runs once, in the SQLite execution")
                    : SkipResult.doNotSkip();
        }
    }

    /** The tries of a property in the long run; the property's own {@code tries} apply otherwise. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Tries {
        int value();
    }

    /** Applies {@link Tries}: jqwik's attributes can be changed here, before the property runs. */
    public static final class TriesHook implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            if (enabled()) {
                context.findAnnotation(Tries.class)
                        .ifPresent(tries -> context.attributes().setTries(tries.value()));
            }
            return property.execute();
        }
    }
}
