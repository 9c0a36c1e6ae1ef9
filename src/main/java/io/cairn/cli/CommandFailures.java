package io.cairn.cli;

import com.zaxxer.hikari.pool.HikariPool;
import io.cairn.config.ConfigException;
import io.cairn.store.SchemaMigrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The one place where a command's failure becomes what the operator reads. What a command cannot do because of
 * its surroundings (a setting, the schema, a directory or file, a port, a server or database out of reach) is one
 * line on stderr, exit 2 for the configuration and 1 otherwise. Anything else is a bug and keeps its stack trace.
 */
public final class CommandFailures implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception failure, CommandLine command, CommandLine.ParseResult parsed)
            throws Exception {
        if (failure instanceof ConfigException || failure instanceof SchemaMigrations.SchemaTooNewException) {
            return report(command, failure.getMessage(), 2);
        }
        if (failure instanceof HikariPool.PoolInitializationException) {
            return report(
                    command,
                    "cannot open the database: " + reason(failure.getCause() == null ? failure : failure.getCause()),
                    1);
        }
        Optional<IOException> io = causes(failure)
                .filter(IOException.class::isInstance)
                .map(IOException.class::cast)
                .findFirst();
        if (io.isEmpty()) {
            throw failure;
        }
        // A wrapper that says more than its cause (Javalin's "Port already in use ...") is kept; a bare wrapper is not.
        boolean bare = failure instanceof IOException
                || failure instanceof UncheckedIOException
                || failure.getMessage() == null;
        return report(command, bare ? describe(io.get()) : failure.getMessage(), 1);
    }

    private static int report(CommandLine command, String message, int exitCode) {
        command.getErr().println("cairn: " + message);
        command.getErr().flush();
        return exitCode;
    }

    /** An I/O failure in words: a file operation names the file and what was wrong with it. */
    static String describe(IOException failure) {
        if (failure instanceof FileSystemException file && file.getReason() == null) {
            String problem = switch (file) {
                case NoSuchFileException missing -> "no such file or directory";
                case AccessDeniedException denied -> "permission denied";
                case FileAlreadyExistsException exists -> "already exists";
                case NotDirectoryException notDirectory -> "not a directory";
                case DirectoryNotEmptyException notEmpty -> "directory not empty";
                default -> "cannot be used";
            };
            return file.getMessage() + ": " + problem;
        }
        return reason(failure);
    }

    /** The first message along the causes, else what the failure's type means (the JDK's HTTP client gives none). */
    static String reason(Throwable failure) {
        return causes(failure)
                .map(Throwable::getMessage)
                .filter(message -> message != null && !message.isBlank())
                .findFirst()
                .orElse(
                        failure instanceof ConnectException
                                ? "connection refused"
                                : failure.getClass().getSimpleName());
    }

    private static Stream<Throwable> causes(Throwable failure) {
        return Stream.iterate(failure, cause -> cause != null, Throwable::getCause)
                .limit(16);
    }
}
