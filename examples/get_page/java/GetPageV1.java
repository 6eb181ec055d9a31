// Prints a product page's title through the v1 API: old clients keep working against today's mesh.
// v1 pages have no per-section status (a failed section is simply empty).
//
//   java -cp <pagemesh-client.jar and its dependencies> GetPageV1.java ADDRESS PRODUCT_ID
import com.pagemesh.page.v1.GetProductPageRequest;
import com.pagemesh.page.v1.GetProductPageResponse;
import com.pagemesh.page.v1.PageServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

public final class GetPageV1 {
  private static final long DEADLINE_SECONDS = 5;

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: GetPageV1 ADDRESS PRODUCT_ID");
      System.exit(2);
    }
    ManagedChannel channel = ManagedChannelBuilder.forTarget(args[0]).usePlaintext().build();
    int exitCode = 0;
    try {
      GetProductPageResponse page =
          PageServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
              .getProductPage(GetProductPageRequest.newBuilder().setProductId(args[1]).build());
      System.out.println("title: " + page.getProduct().getTitle());
      System.out.println("degraded: not reported by v1 (failed sections are left empty)");
    } catch (StatusRuntimeException e) {
      System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      exitCode = 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    System.exit(exitCode);
  }
}
