// Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
package com.pagemesh.page.v2;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * PageService is the aggregator: it assembles a whole product page from the six backend services.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class PageServiceGrpc {

  private PageServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "pagemesh.page.v2.PageService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.pagemesh.page.v2.GetProductPageRequest,
      com.pagemesh.page.v2.GetProductPageResponse> getGetProductPageMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetProductPage",
      requestType = com.pagemesh.page.v2.GetProductPageRequest.class,
      responseType = com.pagemesh.page.v2.GetProductPageResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.pagemesh.page.v2.GetProductPageRequest,
      com.pagemesh.page.v2.GetProductPageResponse> getGetProductPageMethod() {
    io.grpc.MethodDescriptor<com.pagemesh.page.v2.GetProductPageRequest, com.pagemesh.page.v2.GetProductPageResponse> getGetProductPageMethod;
    if ((getGetProductPageMethod = PageServiceGrpc.getGetProductPageMethod) == null) {
      synchronized (PageServiceGrpc.class) {
        if ((getGetProductPageMethod = PageServiceGrpc.getGetProductPageMethod) == null) {
          PageServiceGrpc.getGetProductPageMethod = getGetProductPageMethod =
              io.grpc.MethodDescriptor.<com.pagemesh.page.v2.GetProductPageRequest, com.pagemesh.page.v2.GetProductPageResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetProductPage"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.page.v2.GetProductPageRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.page.v2.GetProductPageResponse.getDefaultInstance()))
              .setSchemaDescriptor(new PageServiceMethodDescriptorSupplier("GetProductPage"))
              .build();
        }
      }
    }
    return getGetProductPageMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static PageServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PageServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PageServiceStub>() {
        @java.lang.Override
        public PageServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PageServiceStub(channel, callOptions);
        }
      };
    return PageServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static PageServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PageServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PageServiceBlockingV2Stub>() {
        @java.lang.Override
        public PageServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PageServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return PageServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static PageServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PageServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PageServiceBlockingStub>() {
        @java.lang.Override
        public PageServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PageServiceBlockingStub(channel, callOptions);
        }
      };
    return PageServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static PageServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<PageServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<PageServiceFutureStub>() {
        @java.lang.Override
        public PageServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new PageServiceFutureStub(channel, callOptions);
        }
      };
    return PageServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * PageService is the aggregator: it assembles a whole product page from the six backend services.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * GetProductPage returns everything a product page shows. The product section is required: an unknown
     * product is NOT_FOUND and an unreachable product service is UNAVAILABLE. Every other section is
     * optional: when its service fails or is too slow, it is left out and named in degraded_sections.
     * </pre>
     */
    default void getProductPage(com.pagemesh.page.v2.GetProductPageRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.page.v2.GetProductPageResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetProductPageMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service PageService.
   * <pre>
   * PageService is the aggregator: it assembles a whole product page from the six backend services.
   * </pre>
   */
  public static abstract class PageServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return PageServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service PageService.
   * <pre>
   * PageService is the aggregator: it assembles a whole product page from the six backend services.
   * </pre>
   */
  public static final class PageServiceStub
      extends io.grpc.stub.AbstractAsyncStub<PageServiceStub> {
    private PageServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PageServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PageServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetProductPage returns everything a product page shows. The product section is required: an unknown
     * product is NOT_FOUND and an unreachable product service is UNAVAILABLE. Every other section is
     * optional: when its service fails or is too slow, it is left out and named in degraded_sections.
     * </pre>
     */
    public void getProductPage(com.pagemesh.page.v2.GetProductPageRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.page.v2.GetProductPageResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetProductPageMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service PageService.
   * <pre>
   * PageService is the aggregator: it assembles a whole product page from the six backend services.
   * </pre>
   */
  public static final class PageServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<PageServiceBlockingV2Stub> {
    private PageServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PageServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PageServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * GetProductPage returns everything a product page shows. The product section is required: an unknown
     * product is NOT_FOUND and an unreachable product service is UNAVAILABLE. Every other section is
     * optional: when its service fails or is too slow, it is left out and named in degraded_sections.
     * </pre>
     */
    public com.pagemesh.page.v2.GetProductPageResponse getProductPage(com.pagemesh.page.v2.GetProductPageRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetProductPageMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service PageService.
   * <pre>
   * PageService is the aggregator: it assembles a whole product page from the six backend services.
   * </pre>
   */
  public static final class PageServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<PageServiceBlockingStub> {
    private PageServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PageServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PageServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetProductPage returns everything a product page shows. The product section is required: an unknown
     * product is NOT_FOUND and an unreachable product service is UNAVAILABLE. Every other section is
     * optional: when its service fails or is too slow, it is left out and named in degraded_sections.
     * </pre>
     */
    public com.pagemesh.page.v2.GetProductPageResponse getProductPage(com.pagemesh.page.v2.GetProductPageRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetProductPageMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service PageService.
   * <pre>
   * PageService is the aggregator: it assembles a whole product page from the six backend services.
   * </pre>
   */
  public static final class PageServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<PageServiceFutureStub> {
    private PageServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected PageServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new PageServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetProductPage returns everything a product page shows. The product section is required: an unknown
     * product is NOT_FOUND and an unreachable product service is UNAVAILABLE. Every other section is
     * optional: when its service fails or is too slow, it is left out and named in degraded_sections.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.pagemesh.page.v2.GetProductPageResponse> getProductPage(
        com.pagemesh.page.v2.GetProductPageRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetProductPageMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_GET_PRODUCT_PAGE = 0;

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
        case METHODID_GET_PRODUCT_PAGE:
          serviceImpl.getProductPage((com.pagemesh.page.v2.GetProductPageRequest) request,
              (io.grpc.stub.StreamObserver<com.pagemesh.page.v2.GetProductPageResponse>) responseObserver);
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
          getGetProductPageMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.pagemesh.page.v2.GetProductPageRequest,
              com.pagemesh.page.v2.GetProductPageResponse>(
                service, METHODID_GET_PRODUCT_PAGE)))
        .build();
  }

  private static abstract class PageServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    PageServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.pagemesh.page.v2.PageProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("PageService");
    }
  }

  private static final class PageServiceFileDescriptorSupplier
      extends PageServiceBaseDescriptorSupplier {
    PageServiceFileDescriptorSupplier() {}
  }

  private static final class PageServiceMethodDescriptorSupplier
      extends PageServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    PageServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (PageServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new PageServiceFileDescriptorSupplier())
              .addMethod(getGetProductPageMethod())
              .build();
        }
      }
    }
    return result;
  }
}
