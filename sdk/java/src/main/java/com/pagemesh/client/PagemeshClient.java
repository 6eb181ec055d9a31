package com.pagemesh.client;

import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.Descriptors.MethodDescriptor;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServiceDescriptor;
import io.grpc.TlsChannelCredentials;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client of one pagemesh target, with mutual TLS, a default deadline and the retry policy the contracts
 * declare. {@link #v1()} and {@link #v2()} hold every service in that API version; each service is its
 * grpc-java blocking stub, one method per RPC:
 *
 * <pre>{@code
 * try (PagemeshClient client = PagemeshClient.newBuilder("127.0.0.1:50050")
 *     .tls(Path.of("pki/ca.pem"), Path.of("pki/operator.pem"), Path.of("pki/operator-key.pem"))
 *     .deadline(Duration.ofSeconds(5))
 *     .build()) {
 *   GetProductPageResponse page = client.v2().page()
 *       .getProductPage(GetProductPageRequest.newBuilder().setProductId("P00001").build());
 * }
 * }</pre>
 *
 * <p>A failed call throws {@link io.grpc.StatusRuntimeException}; {@code e.getStatus().getCode()} is its
 * code. Calls whose contract declares {@code idempotency_level = NO_SIDE_EFFECTS} or {@code IDEMPOTENT} are
 * retried by gRPC when the server is UNAVAILABLE; writes never are. A stub's own {@code withDeadlineAfter}
 * replaces the client's deadline for its calls. Thread-safe; close it when done.
 */
public final class PagemeshClient extends PagemeshApis implements AutoCloseable {
  /** How long a call may take when neither the client nor the stub says. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

  private final ManagedChannel channel;

  private PagemeshClient(ManagedChannel channel, Channel intercepted) {
    super(intercepted);
    this.channel = channel;
  }

  /** A builder for a client of {@code target} ({@code host:port}). */
  public static Builder newBuilder(String target) {
    return new Builder(target);
  }

  /** The connection, for stubs of services outside pagemesh's contracts. */
  public Channel channel() {
    return channel;
  }

  /** Closes the connection, waiting up to five seconds for calls in flight. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the method's contract declares it free of side effects or idempotent. */
  public static boolean isRetryable(MethodDescriptor method) {
    IdempotencyLevel level = method.getOptions().getIdempotencyLevel();
    return level == IdempotencyLevel.NO_SIDE_EFFECTS || level == IdempotencyLevel.IDEMPOTENT;
  }

  /** How retryable calls are retried when the server is UNAVAILABLE. */
  public static final class RetryPolicy {
    /** Three attempts, backoff from 0.1 s up to 1 s, doubling. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0);

    final int maxAttempts;
    final Duration initialBackoff;
    final Duration maxBackoff;
    final double multiplier;

    /** {@code maxAttempts} counts the first attempt too (from 2 to 5, gRPC's limit). */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
      if (maxAttempts < 2 || maxAttempts > 5) {
        throw new IllegalArgumentException("maxAttempts must be from 2 to 5, got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      this.initialBackoff = initialBackoff;
      this.maxBackoff = maxBackoff;
      this.multiplier = multiplier;
    }
  }

  /** Settings of a {@link PagemeshClient}; choose the transport security with {@code tls} or {@code plaintext}. */
  public static final class Builder {
    private final String target;
    private ChannelCredentials credentials;
    private String serverName;
    private Duration deadline = DEFAULT_DEADLINE;
    private RetryPolicy retry = RetryPolicy.DEFAULT;

    private Builder(String target) {
      this.target = target;
    }

    /**
     * Mutual TLS: {@code ca} signed the server's certificate; {@code certificate} and {@code key} are this
     * client's (PEM, the key PKCS#8, as {@code pagemesh certs} writes them).
     */
    public Builder tls(java.nio.file.Path ca, java.nio.file.Path certificate, java.nio.file.Path key) {
      try {
        credentials = TlsChannelCredentials.newBuilder()
            .trustManager(ca.toFile())
            .keyManager(certificate.toFile(), key.toFile())
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the TLS files: " + e.getMessage(), e);
      }
      return this;
    }

    /** The name the server's certificate must carry, when it is not the target's host. */
    public Builder serverName(String name) {
      this.serverName = name;
      return this;
    }

    /** No TLS: only for a mesh started with {@code pagemesh up --plaintext}. */
    public Builder plaintext() {
      credentials = InsecureChannelCredentials.create();
      return this;
    }

    /** The deadline of every call whose stub sets none (default five seconds). */
    public Builder deadline(Duration deadline) {
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException("the deadline must be more than 0, got " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /** Replaces {@link RetryPolicy#DEFAULT}; null turns retries off. */
    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    /** Connects (lazily: the first call opens the connection). */
    public PagemeshClient build() {
      if (credentials == null) {
        throw new IllegalStateException("choose the transport security: tls(ca, certificate, key) or plaintext()");
      }
      ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(target, credentials);
      if (serverName != null) {
        builder.overrideAuthority(serverName);
      }
      if (retry != null) {
        builder.defaultServiceConfig(serviceConfig(retry)).enableRetry();
      } else {
        builder.disableRetry();
      }
      ManagedChannel channel = builder.build();
      return new PagemeshClient(channel, ClientInterceptors.intercept(channel, new DefaultDeadline(deadline)));
    }
  }

  /** gRPC's service config: the policy on every retryable method (numbers as doubles, as grpc-java wants). */
  static Map<String, Object> serviceConfig(RetryPolicy retry) {
    List<Map<String, Object>> names = new ArrayList<>();
    for (ServiceDescriptor service : SERVICES) {
      Object schema = service.getSchemaDescriptor();
      if (!(schema instanceof ProtoServiceDescriptorSupplier)) {
        continue;
      }
      for (MethodDescriptor method : ((ProtoServiceDescriptorSupplier) schema).getServiceDescriptor().getMethods()) {
        if (isRetryable(method)) {
          names.add(Map.of("service", method.getService().getFullName(), "method", method.getName()));
        }
      }
    }
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> policy = Map.of(
        "maxAttempts", (double) retry.maxAttempts,
        "initialBackoff", seconds(retry.initialBackoff),
        "maxBackoff", seconds(retry.maxBackoff),
        "backoffMultiplier", retry.multiplier,
        "retryableStatusCodes", List.of("UNAVAILABLE"));
    return Map.of("methodConfig", List.of(Map.of("name", names, "retryPolicy", policy)));
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.3fs", duration.toNanos() / 1e9);
  }

  /** Gives a call whose options carry no deadline the client's. */
  private static final class DefaultDeadline implements ClientInterceptor {
    private final long nanos;

    DefaultDeadline(Duration deadline) {
      this.nanos = deadline.toNanos();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        io.grpc.MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (options.getDeadline() == null) {
        options = options.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS);
      }
      return next.newCall(method, options);
    }
  }
}
