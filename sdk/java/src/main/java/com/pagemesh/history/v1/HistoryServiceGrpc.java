// Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
package com.pagemesh.history.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * HistoryService remembers which products each user looked at.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class HistoryServiceGrpc {

  private HistoryServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "pagemesh.history.v1.HistoryService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.pagemesh.history.v1.ListViewedProductsRequest,
      com.pagemesh.history.v1.ListViewedProductsResponse> getListViewedProductsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListViewedProducts",
      requestType = com.pagemesh.history.v1.ListViewedProductsRequest.class,
      responseType = com.pagemesh.history.v1.ListViewedProductsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.pagemesh.history.v1.ListViewedProductsRequest,
      com.pagemesh.history.v1.ListViewedProductsResponse> getListViewedProductsMethod() {
    io.grpc.MethodDescriptor<com.pagemesh.history.v1.ListViewedProductsRequest, com.pagemesh.history.v1.ListViewedProductsResponse> getListViewedProductsMethod;
    if ((getListViewedProductsMethod = HistoryServiceGrpc.getListViewedProductsMethod) == null) {
      synchronized (HistoryServiceGrpc.class) {
        if ((getListViewedProductsMethod = HistoryServiceGrpc.getListViewedProductsMethod) == null) {
          HistoryServiceGrpc.getListViewedProductsMethod = getListViewedProductsMethod =
              io.grpc.MethodDescriptor.<com.pagemesh.history.v1.ListViewedProductsRequest, com.pagemesh.history.v1.ListViewedProductsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListViewedProducts"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.history.v1.ListViewedProductsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.history.v1.ListViewedProductsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new HistoryServiceMethodDescriptorSupplier("ListViewedProducts"))
              .build();
        }
      }
    }
    return getListViewedProductsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.pagemesh.history.v1.RecordViewRequest,
      com.pagemesh.history.v1.RecordViewResponse> getRecordViewMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RecordView",
      requestType = com.pagemesh.history.v1.RecordViewRequest.class,
      responseType = com.pagemesh.history.v1.RecordViewResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.pagemesh.history.v1.RecordViewRequest,
      com.pagemesh.history.v1.RecordViewResponse> getRecordViewMethod() {
    io.grpc.MethodDescriptor<com.pagemesh.history.v1.RecordViewRequest, com.pagemesh.history.v1.RecordViewResponse> getRecordViewMethod;
    if ((getRecordViewMethod = HistoryServiceGrpc.getRecordViewMethod) == null) {
      synchronized (HistoryServiceGrpc.class) {
        if ((getRecordViewMethod = HistoryServiceGrpc.getRecordViewMethod) == null) {
          HistoryServiceGrpc.getRecordViewMethod = getRecordViewMethod =
              io.grpc.MethodDescriptor.<com.pagemesh.history.v1.RecordViewRequest, com.pagemesh.history.v1.RecordViewResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RecordView"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.history.v1.RecordViewRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.pagemesh.history.v1.RecordViewResponse.getDefaultInstance()))
              .setSchemaDescriptor(new HistoryServiceMethodDescriptorSupplier("RecordView"))
              .build();
        }
      }
    }
    return getRecordViewMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static HistoryServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<HistoryServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<HistoryServiceStub>() {
        @java.lang.Override
        public HistoryServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new HistoryServiceStub(channel, callOptions);
        }
      };
    return HistoryServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static HistoryServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<HistoryServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<HistoryServiceBlockingV2Stub>() {
        @java.lang.Override
        public HistoryServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new HistoryServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return HistoryServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static HistoryServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<HistoryServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<HistoryServiceBlockingStub>() {
        @java.lang.Override
        public HistoryServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new HistoryServiceBlockingStub(channel, callOptions);
        }
      };
    return HistoryServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static HistoryServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<HistoryServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<HistoryServiceFutureStub>() {
        @java.lang.Override
        public HistoryServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new HistoryServiceFutureStub(channel, callOptions);
        }
      };
    return HistoryServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * HistoryService remembers which products each user looked at.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * ListViewedProducts returns a user's recently viewed products, newest first.
     * A user with no recorded history is NOT_FOUND.
     * </pre>
     */
    default void listViewedProducts(com.pagemesh.history.v1.ListViewedProductsRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.history.v1.ListViewedProductsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListViewedProductsMethod(), responseObserver);
    }

    /**
     * <pre>
     * RecordView records that a user looked at a product now.
     * </pre>
     */
    default void recordView(com.pagemesh.history.v1.RecordViewRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.history.v1.RecordViewResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRecordViewMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service HistoryService.
   * <pre>
   * HistoryService remembers which products each user looked at.
   * </pre>
   */
  public static abstract class HistoryServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return HistoryServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service HistoryService.
   * <pre>
   * HistoryService remembers which products each user looked at.
   * </pre>
   */
  public static final class HistoryServiceStub
      extends io.grpc.stub.AbstractAsyncStub<HistoryServiceStub> {
    private HistoryServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected HistoryServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new HistoryServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * ListViewedProducts returns a user's recently viewed products, newest first.
     * A user with no recorded history is NOT_FOUND.
     * </pre>
     */
    public void listViewedProducts(com.pagemesh.history.v1.ListViewedProductsRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.history.v1.ListViewedProductsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListViewedProductsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * RecordView records that a user looked at a product now.
     * </pre>
     */
    public void recordView(com.pagemesh.history.v1.RecordViewRequest request,
        io.grpc.stub.StreamObserver<com.pagemesh.history.v1.RecordViewResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRecordViewMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service HistoryService.
   * <pre>
   * HistoryService remembers which products each user looked at.
   * </pre>
   */
  public static final class HistoryServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<HistoryServiceBlockingV2Stub> {
    private HistoryServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected HistoryServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new HistoryServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * ListViewedProducts returns a user's recently viewed products, newest first.
     * A user with no recorded history is NOT_FOUND.
     * </pre>
     */
    public com.pagemesh.history.v1.ListViewedProductsResponse listViewedProducts(com.pagemesh.history.v1.ListViewedProductsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListViewedProductsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RecordView records that a user looked at a product now.
     * </pre>
     */
    public com.pagemesh.history.v1.RecordViewResponse recordView(com.pagemesh.history.v1.RecordViewRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRecordViewMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service HistoryService.
   * <pre>
   * HistoryService remembers which products each user looked at.
   * </pre>
   */
  public static final class HistoryServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<HistoryServiceBlockingStub> {
    private HistoryServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected HistoryServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new HistoryServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * ListViewedProducts returns a user's recently viewed products, newest first.
     * A user with no recorded history is NOT_FOUND.
     * </pre>
     */
    public com.pagemesh.history.v1.ListViewedProductsResponse listViewedProducts(com.pagemesh.history.v1.ListViewedProductsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListViewedProductsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RecordView records that a user looked at a product now.
     * </pre>
     */
    public com.pagemesh.history.v1.RecordViewResponse recordView(com.pagemesh.history.v1.RecordViewRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRecordViewMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service HistoryService.
   * <pre>
   * HistoryService remembers which products each user looked at.
   * </pre>
   */
  public static final class HistoryServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<HistoryServiceFutureStub> {
    private HistoryServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected HistoryServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new HistoryServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * ListViewedProducts returns a user's recently viewed products, newest first.
     * A user with no recorded history is NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.pagemesh.history.v1.ListViewedProductsResponse> listViewedProducts(
        com.pagemesh.history.v1.ListViewedProductsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListViewedProductsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * RecordView records that a user looked at a product now.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.pagemesh.history.v1.RecordViewResponse> recordView(
        com.pagemesh.history.v1.RecordViewRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRecordViewMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_LIST_VIEWED_PRODUCTS = 0;
  private static final int METHODID_RECORD_VIEW = 1;

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
        case METHODID_LIST_VIEWED_PRODUCTS:
          serviceImpl.listViewedProducts((com.pagemesh.history.v1.ListViewedProductsRequest) request,
              (io.grpc.stub.StreamObserver<com.pagemesh.history.v1.ListViewedProductsResponse>) responseObserver);
          break;
        case METHODID_RECORD_VIEW:
          serviceImpl.recordView((com.pagemesh.history.v1.RecordViewRequest) request,
              (io.grpc.stub.StreamObserver<com.pagemesh.history.v1.RecordViewResponse>) responseObserver);
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
          getListViewedProductsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.pagemesh.history.v1.ListViewedProductsRequest,
              com.pagemesh.history.v1.ListViewedProductsResponse>(
                service, METHODID_LIST_VIEWED_PRODUCTS)))
        .addMethod(
          getRecordViewMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.pagemesh.history.v1.RecordViewRequest,
              com.pagemesh.history.v1.RecordViewResponse>(
                service, METHODID_RECORD_VIEW)))
        .build();
  }

  private static abstract class HistoryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    HistoryServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.pagemesh.history.v1.HistoryProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("HistoryService");
    }
  }

  private static final class HistoryServiceFileDescriptorSupplier
      extends HistoryServiceBaseDescriptorSupplier {
    HistoryServiceFileDescriptorSupplier() {}
  }

  private static final class HistoryServiceMethodDescriptorSupplier
      extends HistoryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    HistoryServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (HistoryServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new HistoryServiceFileDescriptorSupplier())
              .addMethod(getListViewedProductsMethod())
              .addMethod(getRecordViewMethod())
              .build();
        }
      }
    }
    return result;
  }
}
