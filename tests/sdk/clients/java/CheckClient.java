// The Java typed client against a live mesh: what tests/sdk/sdk_e2e.py asserts, printed line by line (see
// tests/sdk/clients/python/check_client.py for the mesh it expects).
//
//   java -cp <pagemesh-client.jar and its dependencies> CheckClient.java PAGE HISTORY PKI_DIR PRODUCT_ID
import com.pagemesh.client.PagemeshClient;
import com.pagemesh.history.v2.ListViewedProductsRequest;
import com.pagemesh.history.v2.RecordViewRequest;
import com.pagemesh.page.v2.GetProductPageRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;

public final class CheckClient {
  private static final String USER = "u-sdk-java";
  // The deadline of the clients that must not time out, on a busy machine.
  private static final Duration PATIENT = Duration.ofSeconds(10);

  private static PagemeshClient connect(String target, Path pki, Duration deadline) {
    return PagemeshClient.newBuilder(target)
        .tls(pki.resolve("ca.pem"), pki.resolve("operator.pem"), pki.resolve("operator-key.pem"))
        .deadline(deadline)
        .build();
  }

  public static void main(String[] args) {
    String pageAddress = args[0];
    String historyAddress = args[1];
    Path pki = Path.of(args[2]);
    String productId = args[3];
    try (PagemeshClient pages = connect(pageAddress, pki, PATIENT)) {
      System.out.println("page: " + pages.v2().page()
          .getProductPage(GetProductPageRequest.newBuilder().setProductId(productId).build())
          .getProduct().getTitle());
      try {
        pages.v2().page().getProductPage(GetProductPageRequest.newBuilder().setProductId("P99999").build());
      } catch (StatusRuntimeException e) {
        System.out.println("not found: " + e.getStatus().getCode());
      }
    }
    RecordViewRequest record =
        RecordViewRequest.newBuilder().setUserId(USER).setProductId(productId).setTitle("seen").build();
    ListViewedProductsRequest listing = ListViewedProductsRequest.newBuilder().setUserId(USER).build();
    try (PagemeshClient history = connect(historyAddress, pki, PATIENT)) {
      try {
        history.v2().history().recordView(record);
      } catch (StatusRuntimeException e) {
        System.out.println("write: " + e.getStatus().getCode());
      }
      history.v2().history().recordView(record);
      System.out.println("write again: OK");
      System.out.println("read: OK " + history.v2().history().listViewedProducts(listing).getViewsCount());
    }
    try (PagemeshClient hurried = connect(historyAddress, pki, Duration.ofMillis(100))) {
      hurried.v2().history().listViewedProducts(listing);
    } catch (StatusRuntimeException e) {
      System.out.println("deadline: " + e.getStatus().getCode());
    }
  }
}
