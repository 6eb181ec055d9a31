// Prints a product page's title through the v1 API: old clients keep working against today's mesh.
// v1 pages have no per-section status (a failed section is simply empty).
//
//   npm run build && node dist/get_page_v1.js ADDRESS PRODUCT_ID
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { pageV1 } from "@pagemesh/client";

const DEADLINE_MS = 5000;

async function main(args: string[]): Promise<number> {
  if (args.length !== 2) {
    console.error("usage: get_page_v1 ADDRESS PRODUCT_ID");
    return 2;
  }
  const [address, productId] = args;
  const transport = createGrpcTransport({ baseUrl: `http://${address}` });
  const client = createClient(pageV1.PageService, transport);
  try {
    const page = await client.getProductPage({ productId }, { timeoutMs: DEADLINE_MS });
    console.log(`title: ${page.product?.title ?? ""}`);
    console.log("degraded: not reported by v1 (failed sections are left empty)");
    return 0;
  } catch (error) {
    const e = ConnectError.from(error);
    console.error(`error: ${Code[e.code]}: ${e.rawMessage}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
