// Prints a product page's title and its degraded sections, through the pagemesh Java SDK (v2 API).
//
//   java -cp <pagemesh-client.jar and its dependencies> GetPage.java ADDRESS PRODUCT_ID
//   e.g. ... GetPage.java 127.0.0.1:50050 P00001
import com.pagemesh.page.v2.DegradedSection;
import com.pagemesh.page.v2.GetProductPageRequest;
import com.pagemesh.page.v2.GetProductPageResponse;
import com.pagemesh.page.v2.PageServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

public final class GetPage {
  private static final long DEADLINE_SECONDS = 5;

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: GetPage ADDRESS PRODUCT_ID");
      System.exit(2);
    }
    ManagedChannel channel = ManagedChannelBuilder.forTarget(args[0]).usePlaintext().build();
    int exitCode = 0;
    try {
      GetProductPageResponse page =
          PageServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
              .getProductPage(GetProductPageRequest.newBuilder().setProductId(args[1]).build());
      List<String> degraded =
          page.getDegradedSectionsList().stream()
              .map(DegradedSection::getSection)
              .map(Enum::name)
              .collect(Collectors.toList());
      System.out.println("title: " + page.getProduct().getTitle());
      System.out.println("degraded: " + (degraded.isEmpty() ? "none" : String.join(", ", degraded)));
    } catch (StatusRuntimeException e) {
      System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      exitCode = 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    System.exit(exitCode);
  }
}
