// Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
package com.pagemesh.authors.v2;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * AuthorService owns the people who write the books: names, biographies and bibliographies.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class AuthorServiceGrpc {

  private AuthorServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "pagemesh.authors.v2.AuthorService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.pagemesh.authors.v2.GetAuthorRequest,
      com.pagemesh.authors.v2.GetAuthorResponse> getGetAuthorMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetAuthor",
      requestType = com.pagemesh.authors.v2.GetAuthorRequest.class,
      responseType = com.pagemesh.authors.v2.GetAuthorResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.pagemesh.authors.v2.GetAuthorRequest,
      com.pagemesh.authors.v2.GetAuthorResponse> getGetAuthorMethod() {
    io.grpc.MethodDescriptor<com.pagemesh.authors.v2.GetAuthorRequest, com.pagemesh.authors.v2.GetAuthorResponse> getGetAuthorMethod;
    if ((getGetAuthorMethod = AuthorServiceGrpc.getGetAuthorMethod) == null) {
      synchronized (AuthorServiceGrpc.class) {
        if ((getGetAuthorMethod = AuthorServiceGrpc.getGetAuthorMethod) == null) {
          AuthorServiceGrpc.getGetAuthorMethod = getGetAuthorMethod =
              io.grpc.MethodDescriptor.<com.pagemesh.authors.v2.GetAuthorRequest, com.pagemesh.authors.v2.GetAuthorResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetAuthor"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.authors.v2.GetAuthorRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.authors.v2.GetAuthorResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthorServiceMethodDescriptorSupplier("GetAuthor"))
              .build();
        }
      }
    }
    return getGetAuthorMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.pagemesh.authors.v2.ListProductAuthorsRequest,
      com.pagemesh.authors.v2.ListProductAuthorsResponse> getListProductAuthorsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListProductAuthors",
      requestType = com.pagemesh.authors.v2.ListProductAuthorsRequest.class,
      responseType = com.pagemesh.authors.v2.ListProductAuthorsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.pagemesh.authors.v2.ListProductAuthorsRequest,
      com.pagemesh.authors.v2.ListProductAuthorsResponse> getListProductAuthorsMethod() {
    io.grpc.MethodDescriptor<com.pagemesh.authors.v2.ListProductAuthorsRequest, com.pagemesh.authors.v2.ListProductAuthorsResponse> getListProductAuthorsMethod;
    if ((getListProductAuthorsMethod = AuthorServiceGrpc.getListProductAuthorsMethod) == null) {
      synchronized (AuthorServiceGrpc.class) {
        if ((getListProductAuthorsMethod = AuthorServiceGrpc.getListProductAuthorsMethod) == null) {
          AuthorServiceGrpc.getListProductAuthorsMethod = getListProductAuthorsMethod =
              io.grpc.MethodDescriptor.<com.pagemesh.authors.v2.ListProductAuthorsRequest, com.pagemesh.authors.v2.ListProductAuthorsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListProductAuthors"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.authors.v2.ListProductAuthorsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.authors.v2.ListProductAuthorsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthorServiceMethodDescriptorSupplier("ListProductAuthors"))
              .build();
        }
      }
    }
    return getListProductAuthorsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static AuthorServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthorServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthorServiceStub>() {
        @java.lang.Override
        public AuthorServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthorServiceStub(channel, callOptions);
        }
      };
    return AuthorServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static AuthorServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthorServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthorServiceBlockingV2Stub>() {
        @java.lang.Override
        public AuthorServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthorServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return AuthorServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static AuthorServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthorServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthorServiceBlockingStub>() {
        @java.lang.Override
        public AuthorServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthorServiceBlockingStub(channel, callOptions);
        }
      };
    return AuthorServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static AuthorServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthorServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthorServiceFutureStub>() {
        @java.lang.Override
        public AuthorServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthorServiceFutureStub(channel, callOptions);
        }
      };
    return AuthorServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * AuthorService owns the people who write the books: names, biographies and bibliographies.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * GetAuthor returns one author by ID. An unknown ID is NOT_FOUND.
     * </pre>
     */
    default void getAuthor(com.pagemesh.authors.v2.GetAuthorRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.authors.v2.GetAuthorResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetAuthorMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListProductAuthors returns every author of a product, main author first. An unknown product is NOT_FOUND.
     * </pre>
     */
    default void listProductAuthors(com.pagemesh.authors.v2.ListProductAuthorsRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.authors.v2.ListProductAuthorsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListProductAuthorsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service AuthorService.
   * <pre>
   * AuthorService owns the people who write the books: names, biographies and bibliographies.
   * </pre>
   */
  public static abstract class AuthorServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return AuthorServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service AuthorService.
   * <pre>
   * AuthorService owns the people who write the books: names, biographies and bibliographies.
   * </pre>
   */
  public static final class AuthorServiceStub
      extends io.grpc.stub.AbstractAsyncStub<AuthorServiceStub> {
    private AuthorServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthorServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthorServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetAuthor returns one author by ID. An unknown ID is NOT_FOUND.
     * </pre>
     */
    public void getAuthor(com.pagemesh.authors.v2.GetAuthorRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.authors.v2.GetAuthorResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetAuthorMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListProductAuthors returns every author of a product, main author first. An unknown product is NOT_FOUND.
     * </pre>
     */
    public void listProductAuthors(com.pagemesh.authors.v2.ListProductAuthorsRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.authors.v2.ListProductAuthorsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListProductAuthorsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service AuthorService.
   * <pre>
   * AuthorService owns the people who write the books: names, biographies and bibliographies.
   * </pre>
   */
  public static final class AuthorServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<AuthorServiceBlockingV2Stub> {
    private AuthorServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthorServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthorServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * GetAuthor returns one author by ID. An unknown ID is NOT_FOUND.
     * </pre>
     */
    public com.pagemesh.authors.v2.GetAuthorResponse getAuthor(com.pagemesh.authors.v2.GetAuthorRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetAuthorMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListProductAuthors returns every author of a product, main author first. An unknown product is NOT_FOUND.
     * </pre>
     */
    public com.pagemesh.authors.v2.ListProductAuthorsResponse listProductAuthors(com.pagemesh.authors.v2.ListProductAuthorsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListProductAuthorsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service AuthorService.
   * <pre>
   * AuthorService owns the people who write the books: names, biographies and bibliographies.
   * </pre>
   */
  public static final class AuthorServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<AuthorServiceBlockingStub> {
    private AuthorServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthorServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthorServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetAuthor returns one author by ID. An unknown ID is NOT_FOUND.
     * </pre>
     */
    public com.pagemesh.authors.v2.GetAuthorResponse getAuthor(com.pagemesh.authors.v2.GetAuthorRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetAuthorMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListProductAuthors returns every author of a product, main author first. An unknown product is NOT_FOUND.
     * </pre>
     */
    public com.pagemesh.authors.v2.ListProductAuthorsResponse listProductAuthors(com.pagemesh.authors.v2.ListProductAuthorsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListProductAuthorsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service AuthorService.
   * <pre>
   * AuthorService owns the people who write the books: names, biographies and bibliographies.
   * </pre>
   */
  public static final class AuthorServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<AuthorServiceFutureStub> {
    private AuthorServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthorServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthorServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetAuthor returns one author by ID. An unknown ID is NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.pagemesh.authors.v2.GetAuthorResponse> getAuthor(
        com.pagemesh.authors.v2.GetAuthorRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetAuthorMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListProductAuthors returns every author of a product, main author first. An unknown product is NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.pagemesh.authors.v2.ListProductAuthorsResponse> listProductAuthors(
        com.pagemesh.authors.v2.ListProductAuthorsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListProductAuthorsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_GET_AUTHOR = 0;
  private static final int METHODID_LIST_PRODUCT_AUTHORS = 1;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_GET_AUTHOR:
          serviceImpl.getAuthor((com.pagemesh.authors.v2.GetAuthorRequest) request,
              (io.grpc.stub.StreamObserver<com.pagemesh.authors.v2.GetAuthorResponse>) responseObserver);
          break;
        case METHODID_LIST_PRODUCT_AUTHORS:
          serviceImpl.listProductAuthors((com.pagemesh.authors.v2.ListProductAuthorsRequest) request,
              (io.grpc.stub.StreamObserver<com.pagemesh.authors.v2.ListProductAuthorsResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getGetAuthorMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.pagemesh.authors.v2.GetAuthorRequest,
              com.pagemesh.authors.v2.GetAuthorResponse>(
                service, METHODID_GET_AUTHOR)))
        .addMethod(
          getListProductAuthorsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.pagemesh.authors.v2.ListProductAuthorsRequest,
              com.pagemesh.authors.v2.ListProductAuthorsResponse>(
                service, METHODID_LIST_PRODUCT_AUTHORS)))
        .build();
  }

  private static abstract class AuthorServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    AuthorServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.pagemesh.authors.v2.AuthorsProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("AuthorService");
    }
  }

  private static final class AuthorServiceFileDescriptorSupplier
      extends AuthorServiceBaseDescriptorSupplier {
    AuthorServiceFileDescriptorSupplier() {}
  }

  private static final class AuthorServiceMethodDescriptorSupplier
      extends AuthorServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    AuthorServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (AuthorServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new AuthorServiceFileDescriptorSupplier())
              .addMethod(getGetAuthorMethod())
              .addMethod(getListProductAuthorsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
