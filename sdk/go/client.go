// Package pagemesh is the Go client of pagemesh, generated from its contracts in proto/.
//
// NewClient connects to one target with mutual TLS (or explicitly without), a default deadline and the
// retry policy the contracts declare; the client's V1 and V2 fields hold every service in that API version,
// each the service's stock gRPC client:
//
//	client, err := pagemesh.NewClient("127.0.0.1:50050",
//		pagemesh.WithTLSFiles("pki/ca.pem", "pki/operator.pem", "pki/operator-key.pem"))
//	if err != nil { ... }
//	defer client.Close()
//	page, err := client.V2.Page.GetProductPage(ctx, &pagev2.GetProductPageRequest{ProductId: "P00001"})
//
// A failed call returns a gRPC status error: status.Code(err) is its code (codes.NotFound, ...). Each
// proto package is a Go package below this one: pagemesh.page.v2 is
// github.com/pagemesh/pagemesh/sdk/go/pagemesh/page/v2 (package pagev2).
package pagemesh

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// DefaultDeadline is how long a call may take when neither the client nor the call's context says.
const DefaultDeadline = 5 * time.Second

// Client is a connection to one pagemesh target, safe for concurrent use. Close it when done.
type Client struct {
	APIs
	conn *grpc.ClientConn
}

// RetryPolicy says how calls that the contract declares safe to repeat (idempotency_level
// NO_SIDE_EFFECTS or IDEMPOTENT) are retried when the server is UNAVAILABLE. Writes are never retried.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first included (from 2 to 5, gRPC's limit).
	MaxAttempts int
	// InitialBackoff bounds the random wait before the first retry; each next bound is Multiplier times more.
	InitialBackoff time.Duration
	// MaxBackoff bounds every wait.
	MaxBackoff time.Duration
	// Multiplier grows the bound from one retry to the next.
	Multiplier float64
}

// DefaultRetryPolicy is what NewClient uses unless told otherwise.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts: 3, InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, Multiplier: 2,
}

type settings struct {
	tlsFiles    *[3]string // CA, certificate, key
	serverName  string
	plaintext   bool
	deadline    time.Duration
	retry       *RetryPolicy
	dialOptions []grpc.DialOption
}

// Option configures NewClient.
type Option func(*settings)

// WithTLSFiles secures the connection with mutual TLS: ca is the PEM file of the CA that signed the
// server's certificate, certificate and key this client's own (PEM; the key PKCS#8, as `pagemesh certs`
// writes them). The server's certificate must name the target's host (see WithServerName otherwise).
func WithTLSFiles(ca, certificate, key string) Option {
	return func(s *settings) { s.tlsFiles = &[3]string{ca, certificate, key} }
}

// WithServerName checks the server's certificate against name instead of the target's host.
func WithServerName(name string) Option {
	return func(s *settings) { s.serverName = name }
}

// WithPlaintext connects without TLS: only for a mesh started with `pagemesh up --plaintext`.
func WithPlaintext() Option {
	return func(s *settings) { s.plaintext = true }
}

// WithDeadline sets the deadline of every call whose context has none (default DefaultDeadline).
func WithDeadline(d time.Duration) Option {
	return func(s *settings) { s.deadline = d }
}

// WithRetryPolicy replaces DefaultRetryPolicy; nil turns retries off.
func WithRetryPolicy(policy *RetryPolicy) Option {
	return func(s *settings) { s.retry = policy }
}

// WithDialOptions adds gRPC dial options (interceptors, keepalive, ...).
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(s *settings) { s.dialOptions = append(s.dialOptions, opts...) }
}

// NewClient returns a client of target (host:port). Choose the transport security: WithTLSFiles, or
// WithPlaintext for a mesh without TLS.
func NewClient(target string, opts ...Option) (*Client, error) {
	retry := DefaultRetryPolicy
	s := settings{deadline: DefaultDeadline, retry: &retry}
	for _, opt := range opts {
		opt(&s)
	}
	var security credentials.TransportCredentials
	switch {
	case s.tlsFiles != nil && s.plaintext:
		return nil, errors.New("pagemesh: WithTLSFiles and WithPlaintext exclude each other")
	case s.tlsFiles != nil:
		config, err := tlsConfig(s.tlsFiles[0], s.tlsFiles[1], s.tlsFiles[2])
		if err != nil {
			return nil, fmt.Errorf("pagemesh: TLS settings: %w", err)
		}
		config.ServerName = s.serverName
		security = credentials.NewTLS(config)
	case s.plaintext:
		security = insecure.NewCredentials()
	default:
		return nil, errors.New("pagemesh: choose the transport security: WithTLSFiles(...) or WithPlaintext()")
	}
	if s.deadline <= 0 {
		return nil, fmt.Errorf("pagemesh: the deadline must be more than 0, got %v", s.deadline)
	}
	config, err := serviceConfig(s.retry)
	if err != nil {
		return nil, err
	}
	dial := append([]grpc.DialOption{
		grpc.WithTransportCredentials(security),
		grpc.WithDefaultServiceConfig(config),
		grpc.WithChainUnaryInterceptor(defaultDeadline(s.deadline)),
	}, s.dialOptions...)
	conn, err := grpc.NewClient(target, dial...)
	if err != nil {
		return nil, fmt.Errorf("pagemesh: %w", err)
	}
	return &Client{APIs: newAPIs(conn), conn: conn}, nil
}

// Close releases the connection; calls in flight are cancelled.
func (c *Client) Close() error {
	return c.conn.Close()
}

// Conn is the underlying connection, for stubs of services outside pagemesh's contracts.
func (c *Client) Conn() *grpc.ClientConn {
	return c.conn
}

func tlsConfig(ca, certificate, key string) (*tls.Config, error) {
	pem, err := os.ReadFile(ca)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", ca)
	}
	pair, err := tls.LoadX509KeyPair(certificate, key)
	if err != nil {
		return nil, err
	}
	return &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// defaultDeadline gives a call whose context has no deadline the client's.
func defaultDeadline(d time.Duration) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

// Retryable reports whether the method's contract declares it free of side effects or idempotent.
func Retryable(method protoreflect.MethodDescriptor) bool {
	options, _ := method.Options().(*descriptorpb.MethodOptions)
	switch options.GetIdempotencyLevel() {
	case descriptorpb.MethodOptions_NO_SIDE_EFFECTS, descriptorpb.MethodOptions_IDEMPOTENT:
		return true
	}
	return false
}

// serviceConfig is gRPC's service config: policy on every retryable method of the contracts, so gRPC itself
// retries them (with backoff, within the call's deadline).
func serviceConfig(policy *RetryPolicy) (string, error) {
	type name struct {
		Service string `json:"service"`
		Method  string `json:"method"`
	}
	var names []name
	for _, file := range contracts {
		for i := 0; i < file.Services().Len(); i++ {
			service := file.Services().Get(i)
			for j := 0; j < service.Methods().Len(); j++ {
				if method := service.Methods().Get(j); Retryable(method) {
					names = append(names, name{string(service.FullName()), string(method.Name())})
				}
			}
		}
	}
	methodConfig := []any{}
	if policy != nil && len(names) > 0 {
		if policy.MaxAttempts < 2 || policy.MaxAttempts > 5 {
			return "", fmt.Errorf("pagemesh: MaxAttempts must be from 2 to 5, got %d", policy.MaxAttempts)
		}
		methodConfig = append(methodConfig, map[string]any{
			"name": names,
			"retryPolicy": map[string]any{
				"maxAttempts":          policy.MaxAttempts,
				"initialBackoff":       seconds(policy.InitialBackoff),
				"maxBackoff":           seconds(policy.MaxBackoff),
				"backoffMultiplier":    policy.Multiplier,
				"retryableStatusCodes": []string{"UNAVAILABLE"},
			},
		})
	}
	config, err := json.Marshal(map[string]any{"methodConfig": methodConfig})
	return string(config), err
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3fs", d.Seconds())
}
