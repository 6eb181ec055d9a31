// Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
package com.pagemesh.sponsored.v2;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * SponsoredService chooses paid listings to show on a product page.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class SponsoredServiceGrpc {

  private SponsoredServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "pagemesh.sponsored.v2.SponsoredService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.pagemesh.sponsored.v2.ListSponsoredListingsRequest,
      com.pagemesh.sponsored.v2.ListSponsoredListingsResponse> getListSponsoredListingsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListSponsoredListings",
      requestType = com.pagemesh.sponsored.v2.ListSponsoredListingsRequest.class,
      responseType = com.pagemesh.sponsored.v2.ListSponsoredListingsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.pagemesh.sponsored.v2.ListSponsoredListingsRequest,
      com.pagemesh.sponsored.v2.ListSponsoredListingsResponse> getListSponsoredListingsMethod() {
    io.grpc.MethodDescriptor<com.pagemesh.sponsored.v2.ListSponsoredListingsRequest, com.pagemesh.sponsored.v2.ListSponsoredListingsResponse> getListSponsoredListingsMethod;
    if ((getListSponsoredListingsMethod = SponsoredServiceGrpc.getListSponsoredListingsMethod) == null) {
      synchronized (SponsoredServiceGrpc.class) {
        if ((getListSponsoredListingsMethod = SponsoredServiceGrpc.getListSponsoredListingsMethod) == null) {
          SponsoredServiceGrpc.getListSponsoredListingsMethod = getListSponsoredListingsMethod =
              io.grpc.MethodDescriptor.<com.pagemesh.sponsored.v2.ListSponsoredListingsRequest, com.pagemesh.sponsored.v2.ListSponsoredListingsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListSponsoredListings"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.sponsored.v2.ListSponsoredListingsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.sponsored.v2.ListSponsoredListingsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SponsoredServiceMethodDescriptorSupplier("ListSponsoredListings"))
              .build();
        }
      }
    }
    return getListSponsoredListingsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static SponsoredServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SponsoredServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SponsoredServiceStub>() {
        @java.lang.Override
        public SponsoredServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SponsoredServiceStub(channel, callOptions);
        }
      };
    return SponsoredServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static SponsoredServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SponsoredServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SponsoredServiceBlockingV2Stub>() {
        @java.lang.Override
        public SponsoredServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SponsoredServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return SponsoredServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static SponsoredServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SponsoredServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SponsoredServiceBlockingStub>() {
        @java.lang.Override
        public SponsoredServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SponsoredServiceBlockingStub(channel, callOptions);
        }
      };
    return SponsoredServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static SponsoredServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SponsoredServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SponsoredServiceFutureStub>() {
        @java.lang.Override
        public SponsoredServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SponsoredServiceFutureStub(channel, callOptions);
        }
      };
    return SponsoredServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * SponsoredService chooses paid listings to show on a product page.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * ListSponsoredListings returns the paid listings for a product's page, highest bid first.
     * An unknown product is NOT_FOUND.
     * </pre>
     */
    default void listSponsoredListings(com.pagemesh.sponsored.v2.ListSponsoredListingsRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.sponsored.v2.ListSponsoredListingsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListSponsoredListingsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service SponsoredService.
   * <pre>
   * SponsoredService chooses paid listings to show on a product page.
   * </pre>
   */
  public static abstract class SponsoredServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return SponsoredServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service SponsoredService.
   * <pre>
   * SponsoredService chooses paid listings to show on a product page.
   * </pre>
   */
  public static final class SponsoredServiceStub
      extends io.grpc.stub.AbstractAsyncStub<SponsoredServiceStub> {
    private SponsoredServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SponsoredServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SponsoredServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * ListSponsoredListings returns the paid listings for a product's page, highest bid first.
     * An unknown product is NOT_FOUND.
     * </pre>
     */
    public void listSponsoredListings(com.pagemesh.sponsored.v2.ListSponsoredListingsRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.sponsored.v2.ListSponsoredListingsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListSponsoredListingsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service SponsoredService.
   * <pre>
   * SponsoredService chooses paid listings to show on a product page.
   * </pre>
   */
  public static final class SponsoredServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<SponsoredServiceBlockingV2Stub> {
    private SponsoredServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SponsoredServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SponsoredServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * ListSponsoredListings returns the paid listings for a product's page, highest bid first.
     * An unknown product is NOT_FOUND.
     * </pre>
     */
    public com.pagemesh.sponsored.v2.ListSponsoredListingsResponse listSponsoredListings(com.pagemesh.sponsored.v2.ListSponsoredListingsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListSponsoredListingsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service SponsoredService.
   * <pre>
   * SponsoredService chooses paid listings to show on a product page.
   * </pre>
   */
  public static final class SponsoredServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<SponsoredServiceBlockingStub> {
    private SponsoredServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SponsoredServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SponsoredServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * ListSponsoredListings returns the paid listings for a product's page, highest bid first.
     * An unknown product is NOT_FOUND.
     * </pre>
     */
    public com.pagemesh.sponsored.v2.ListSponsoredListingsResponse listSponsoredListings(com.pagemesh.sponsored.v2.ListSponsoredListingsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListSponsoredListingsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service SponsoredService.
   * <pre>
   * SponsoredService chooses paid listings to show on a product page.
   * </pre>
   */
  public static final class SponsoredServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<SponsoredServiceFutureStub> {
    private SponsoredServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SponsoredServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SponsoredServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * ListSponsoredListings returns the paid listings for a product's page, highest bid first.
     * An unknown product is NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.pagemesh.sponsored.v2.ListSponsoredListingsResponse> listSponsoredListings(
        com.pagemesh.sponsored.v2.ListSponsoredListingsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListSponsoredListingsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_LIST_SPONSORED_LISTINGS = 0;

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
        case METHODID_LIST_SPONSORED_LISTINGS:
          serviceImpl.listSponsoredListings((com.pagemesh.sponsored.v2.ListSponsoredListingsRequest) request,
              (io.grpc.stub.StreamObserver<com.pagemesh.sponsored.v2.ListSponsoredListingsResponse>) responseObserver);
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
          getListSponsoredListingsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.pagemesh.sponsored.v2.ListSponsoredListingsRequest,
              com.pagemesh.sponsored.v2.ListSponsoredListingsResponse>(
                service, METHODID_LIST_SPONSORED_LISTINGS)))
        .build();
  }

  private static abstract class SponsoredServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    SponsoredServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.pagemesh.sponsored.v2.SponsoredProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("SponsoredService");
    }
  }

  private static final class SponsoredServiceFileDescriptorSupplier
      extends SponsoredServiceBaseDescriptorSupplier {
    SponsoredServiceFileDescriptorSupplier() {}
  }

  private static final class SponsoredServiceMethodDescriptorSupplier
      extends SponsoredServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    SponsoredServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (SponsoredServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new SponsoredServiceFileDescriptorSupplier())
              .addMethod(getListSponsoredListingsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
