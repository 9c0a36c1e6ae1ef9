package io.cairn.backup;

import static java.util.Objects.requireNonNull;

import io.cairn.backup.BackupStoreException.Reason;
import io.cairn.config.CairnConfig.BackupConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 calls the repository makes, each failure turned into a {@link BackupStoreException} that says what was being
 * done where. Thread-safe, as the SDK's client is.
 */
final class ObjectStore implements AutoCloseable {
    private final S3Client s3;
    /** Where the store is, for messages: the endpoint, or AWS's region. */
    private final String location;

    private final boolean staticCredentials;
    private final String region;
    /** Containers known to exist: created, or seen, by this process. */
    private final Set<String> containers = ConcurrentHashMap.newKeySet();

    private ObjectStore(S3Client s3, String location, boolean staticCredentials, String region) {
        this.s3 = requireNonNull(s3, "s3 is null");
        this.location = requireNonNull(location, "location is null");
        this.staticCredentials = staticCredentials;
        this.region = requireNonNull(region, "region is null");
    }

    static ObjectStore connect(BackupConfig config) {
        AwsCredentialsProvider credentials = config.accessKey().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        config.accessKey().get(), config.secretKey().orElseThrow()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                // Path-style: Ceph's RADOS Gateway, and most S3 servers but AWS, have no DNS name per bucket.
                .forcePathStyle(true)
                // The SDK's default since 2.30, a CRC trailer on every upload, is refused by servers older than it
                // (Ceph RGW 16 among them). Uploads carry Content-MD5 instead, downloads are checked by their SHA-256.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        config.endpoint().ifPresent(builder::endpointOverride);
        String location = config.endpoint().map(Object::toString).orElse("S3 in " + config.region());
        return new ObjectStore(builder.build(), location, config.accessKey().isPresent(), config.region());
    }

    /**
     * Creates the container when it does not exist; known containers are not asked for again.
     *
     * @throws BackupStoreException {@code DENIED} also when the name is taken by another account, {@code INVALID} for
     *     a name the store refuses
     */
    void ensureContainer(String container) throws BackupStoreException {
        if (containers.contains(container)) {
            return;
        }
        if (!containerExists(container)) {
            try {
                // us-east-1 is the one region a bucket is made in without naming it; AWS refuses it named.
                s3.createBucket(request -> {
                    request.bucket(container);
                    if (!region.equals("us-east-1")) {
                        request.createBucketConfiguration(bucket -> bucket.locationConstraint(region));
                    }
                });
            } catch (BucketAlreadyOwnedByYouException e) {
                // created at the same time by another writer
            } catch (SdkException e) {
                throw failure(e, "create container " + container);
            }
        }
        containers.add(container);
    }

    boolean containerExists(String container) throws BackupStoreException {
        try {
            s3.headBucket(request -> request.bucket(container));
            return true;
        } catch (SdkException e) {
            if (e instanceof S3Exception s3Failure && s3Failure.statusCode() == 404) {
                return false;
            }
            throw failure(e, "look up container " + container);
        }
    }

    /** The object's length, empty when it (or its container) does not exist. */
    OptionalLong length(String container, String key) throws BackupStoreException {
        try {
            return OptionalLong.of(
                    s3.headObject(request -> request.bucket(container).key(key)).contentLength());
        } catch (SdkException e) {
            if (e instanceof S3Exception s3Failure && s3Failure.statusCode() == 404) {
                return OptionalLong.empty();
            }
            throw failure(e, "look up " + key + " in " + container);
        }
    }

    /** Writes (or replaces) the object with the first {@code length} bytes of {@code data}. */
    void put(String container, String key, byte[] data, int length) throws BackupStoreException {
        String md5 = Chunks.contentMd5(data, length);
        try {
            s3.putObject(
                    request -> request.bucket(container)
                            .key(key)
                            .contentLength((long) length)
                            .contentMD5(md5),
                    // Read from the caller's buffer (again on a retry) rather than copied into one of the SDK's.
                    RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream"));
        } catch (SdkException e) {
            if (e instanceof S3Exception s3Failure && s3Failure.statusCode() == 404) {
                containers.remove(container); // deleted behind this process's back: the next write makes it again
            }
            throw failure(e, "upload " + key + " to " + container);
        }
    }

    /**
     * Reads the object into {@code into}, returning its length.
     *
     * @throws BackupStoreException {@code NOT_FOUND} when it does not exist, {@code CORRUPT} when it is longer than
     *     {@code into}
     */
    int get(String container, String key, byte[] into) throws BackupStoreException {
        try (ResponseInputStream<GetObjectResponse> in =
                s3.getObject(request -> request.bucket(container).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > into.length) {
                in.abort();
                throw tooLong(container, key, into.length);
            }
            int read = in.readNBytes(into, 0, into.length);
            if (read == into.length && in.read() != -1) {
                in.abort();
                throw tooLong(container, key, into.length);
            }
            return read;
        } catch (SdkException e) {
            throw failure(e, "download " + key + " from " + container);
        } catch (InterruptedIOException e) {
            throw new BackupStoreException(Reason.UNAVAILABLE, "download of " + key + " interrupted", e);
        } catch (IOException e) {
            if (e instanceof BackupStoreException refusal) {
                throw refusal;
            }
            throw new BackupStoreException(
                    Reason.UNAVAILABLE,
                    "download of " + key + " from " + container + " at " + location + " broke off: " + e.getMessage(),
                    e);
        }
    }

    /** The whole object, empty when it (or its container) does not exist; for small objects such as manifests. */
    Optional<byte[]> getAll(String container, String key) throws BackupStoreException {
        try {
            return Optional.of(
                    s3.getObjectAsBytes(request -> request.bucket(container).key(key))
                            .asByteArray());
        } catch (SdkException e) {
            if (e instanceof S3Exception s3Failure && s3Failure.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure(e, "download " + key + " from " + container);
        }
    }

    /** Deletes the object; one that (or whose container) does not exist is no failure. */
    void delete(String container, String key) throws BackupStoreException {
        try {
            s3.deleteObject(request -> request.bucket(container).key(key));
        } catch (SdkException e) {
            if (e instanceof S3Exception s3Failure && s3Failure.statusCode() == 404) {
                return;
            }
            throw failure(e, "delete " + key + " from " + container);
        }
    }

    private BackupStoreException tooLong(String container, String key, int limit) {
        return new BackupStoreException(
                Reason.CORRUPT, key + " in " + container + " is longer than its chunk (" + limit + " bytes)");
    }

    /** The SDK's failure in words: what could not be done, where, and why, with the reason a caller acts on. */
    private BackupStoreException failure(SdkException failure, String action) {
        String prefix = "cannot " + action + " at " + location + ": ";
        if (failure instanceof S3Exception s3Failure) {
            String code = s3Failure.awsErrorDetails() == null
                    ? null
                    : s3Failure.awsErrorDetails().errorCode();
            String status = s3Failure.statusCode() + (code == null ? "" : " " + code);
            return switch (s3Failure.statusCode()) {
                case 401, 403 ->
                    new BackupStoreException(
                            Reason.DENIED,
                            prefix + "the store refused the credentials or their access (" + status + "); check "
                                    + (staticCredentials
                                            ? "backup-s3-access-key and backup-s3-secret-key"
                                            : "the AWS credentials of this process"),
                            failure);
                case 404 -> new BackupStoreException(Reason.NOT_FOUND, prefix + "not found (" + status + ")", failure);
                case 409 ->
                    new BackupStoreException(
                            Reason.DENIED, prefix + "the name belongs to someone else (" + status + ")", failure);
                case 400 -> new BackupStoreException(Reason.INVALID, prefix + "refused (" + status + ")", failure);
                default -> new BackupStoreException(Reason.UNAVAILABLE, prefix + "failed (" + status + ")", failure);
            };
        }
        if (failure instanceof AbortedException) {
            Thread.currentThread().interrupt();
            return new BackupStoreException(Reason.UNAVAILABLE, prefix + "interrupted", failure);
        }
        if (failure instanceof SdkClientException && !staticCredentials && mentionsCredentials(failure)) {
            return new BackupStoreException(
                    Reason.DENIED,
                    prefix + "no credentials (set backup-s3-access-key and backup-s3-secret-key): "
                            + failure.getMessage(),
                    failure);
        }
        return new BackupStoreException(Reason.UNAVAILABLE, prefix + "unreachable: " + rootMessage(failure), failure);
    }

    private static boolean mentionsCredentials(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("credentials");
    }

    /** The innermost message: the SDK's own only says it could not execute the request. */
    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        int depth = 0;
        for (; root.getCause() != null && depth < 16; depth++) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return depth == 0 ? message : message + " (" + failure.getMessage() + ")";
    }

    @Override
    public void close() {
        s3.close();
    }
}
