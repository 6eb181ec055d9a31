// The typed client: one connection to a pagemesh target, with mutual TLS, a default deadline and the retry
// policy the contracts declare; `client.v2.page` is a Connect client of pagemesh.page.v2.PageService, each
// RPC a method `(request, options?)`. The services per version come from src/gen/apis.ts (generated).
import { readFileSync } from "node:fs";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { apis } from "./gen/apis.js";

/** Mutual TLS: PEM files (the key PKCS#8, as `pagemesh certs` writes them). */
export interface TlsFiles {
  /** The CA that signed the server's certificate. */
  ca: string;
  /** This client's certificate. */
  certificate: string;
  /** This client's private key. */
  key: string;
  /** The name the server's certificate must carry, when it is not the target's host. */
  serverName?: string;
}

/** How calls the contract declares safe to repeat are retried when the server is UNAVAILABLE. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** The first retry waits a random time up to this. */
  initialBackoffMs: number;
  /** No wait between attempts is longer. */
  maxBackoffMs: number;
  /** Each retry's upper bound is the previous one times this. */
  multiplier: number;
}

/** What `createPagemeshClient` uses unless told otherwise. */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 1000,
  multiplier: 2,
};

/** How long a call may take when neither the client nor the call says. */
export const DEFAULT_DEADLINE_MS = 5000;

export interface PagemeshClientOptions {
  /** `host:port` of the aggregator or a service. */
  target: string;
  /** Mutual TLS files, or "plaintext" for a mesh started with `pagemesh up --plaintext`. */
  tls: TlsFiles | "plaintext";
  /** The deadline of every call that gives no `timeoutMs` of its own (default 5000). */
  deadlineMs?: number;
  /** How reads are retried on UNAVAILABLE (default `defaultRetryPolicy`); null turns retries off. */
  retry?: RetryPolicy | null;
  /** More Connect interceptors, run inside the retries (once per attempt). */
  interceptors?: Interceptor[];
}

type Apis = typeof apis;
type Services<S> = { readonly [K in keyof S]: S[K] extends DescService ? Client<S[K]> : never };

/** Every service per API version (`client.v1`, `client.v2`), and `close()`. */
export type PagemeshClient = { readonly [V in keyof Apis]: Services<Apis[V]> } & {
  /** Closes the connection; calls in flight fail. */
  close(): void;
};

/** Whether the method's contract declares it free of side effects or idempotent. */
export function isRetryable(method: DescMethod): boolean {
  return (
    method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ||
    method.idempotency === MethodOptions_IdempotencyLevel.IDEMPOTENT
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted(): void {
      clearTimeout(timer);
      reject(ConnectError.from(signal.reason, Code.DeadlineExceeded));
    }
    signal.addEventListener("abort", aborted, { once: true });
  });
}

/**
 * Retries a unary call whose contract allows it when it fails UNAVAILABLE, with jittered exponential
 * backoff, until the attempts run out or the call's deadline (its signal, which spans every attempt) passes.
 * The Node gRPC transport has no retries of its own (grpc-go, grpc-java and grpcio do, from the same
 * service config these settings stand for).
 */
export function retryInterceptor(policy: RetryPolicy): Interceptor {
  return (next) => async (req) => {
    if (req.stream || !isRetryable(req.method)) {
      return next(req);
    }
    let bound = policy.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(req);
      } catch (error) {
        const failure = ConnectError.from(error);
        if (failure.code !== Code.Unavailable || attempt >= policy.maxAttempts || req.signal.aborted) {
          throw error;
        }
      }
      await sleep(Math.random() * bound, req.signal);
      bound = Math.min(bound * policy.multiplier, policy.maxBackoffMs);
    }
  };
}

/** A client of one pagemesh target: `client.v2.page.getProductPage({ productId: "P00001" })`. */
export function createPagemeshClient(options: PagemeshClientOptions): PagemeshClient {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  if (!(deadlineMs > 0)) {
    throw new RangeError(`deadlineMs must be more than 0, got ${deadlineMs}`);
  }
  const retry = options.retry === undefined ? defaultRetryPolicy : options.retry;
  const secure = options.tls !== "plaintext";
  const baseUrl = `${secure ? "https" : "http"}://${options.target}`;
  const tls = options.tls === "plaintext" ? undefined : options.tls;
  const sessions = new Http2SessionManager(
    baseUrl,
    undefined,
    tls && {
      ca: readFileSync(tls.ca),
      cert: readFileSync(tls.certificate),
      key: readFileSync(tls.key),
      ...(tls.serverName ? { servername: tls.serverName } : {}),
    },
  );
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager: sessions,
    defaultTimeoutMs: deadlineMs,
    interceptors: [...(retry ? [retryInterceptor(retry)] : []), ...(options.interceptors ?? [])],
  });
  const versions = Object.fromEntries(
    Object.entries(apis).map(([version, services]) => [
      version,
      Object.fromEntries(
        Object.entries(services).map(([name, service]) => [name, createClient(service as DescService, transport)]),
      ),
    ]),
  );
  return { ...versions, close: () => sessions.abort() } as PagemeshClient;
}
