// Prints a product page's title through the v1 API: old clients keep working against today's mesh.
// v1 pages have no per-section status (a failed section is simply empty).
//
//   java -cp <pagemesh-client.jar and its dependencies> GetPageV1.java ADDRESS PRODUCT_ID [PKI_DIR]
import com.pagemesh.client.PagemeshClient;
import com.pagemesh.page.v1.GetProductPageRequest;
import com.pagemesh.page.v1.GetProductPageResponse;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;

public final class GetPageV1 {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  public static void main(String[] args) {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: GetPageV1 ADDRESS PRODUCT_ID [PKI_DIR]");
      System.exit(2);
    }
    PagemeshClient.Builder builder = PagemeshClient.newBuilder(args[0]).deadline(DEADLINE);
    if (args.length == 3) {
      Path pki = Path.of(args[2]);
      builder.tls(pki.resolve("ca.pem"), pki.resolve("operator.pem"), pki.resolve("operator-key.pem"));
    } else {
      builder.plaintext();
    }
    int exitCode = 0;
    try (PagemeshClient client = builder.build()) {
      GetProductPageResponse page =
          client.v1().page().getProductPage(GetProductPageRequest.newBuilder().setProductId(args[1]).build());
      System.out.println("title: " + page.getProduct().getTitle());
      System.out.println("degraded: not reported by v1 (failed sections are left empty)");
    } catch (StatusRuntimeException e) {
      System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      exitCode = 1;
    }
    System.exit(exitCode);
  }
}
