// Prints a product page's title and its degraded sections, through @pagemesh/client (v2 API).
//
//   npm run build && node dist/get_page.js ADDRESS PRODUCT_ID    e.g. ... 127.0.0.1:50050 P00001
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { pageV2 } from "@pagemesh/client";

const DEADLINE_MS = 5000;

async function main(args: string[]): Promise<number> {
  if (args.length !== 2) {
    console.error("usage: get_page ADDRESS PRODUCT_ID");
    return 2;
  }
  const [address, productId] = args;
  const transport = createGrpcTransport({ baseUrl: `http://${address}` });
  const client = createClient(pageV2.PageService, transport);
  try {
    const page = await client.getProductPage({ productId }, { timeoutMs: DEADLINE_MS });
    // The proto names (SECTION_AUTHORS, ...), as every other pagemesh SDK prints them.
    const degraded = page.degradedSections.map(
      (d) => pageV2.SectionSchema.values.find((v) => v.number === d.section)?.name ?? String(d.section),
    );
    console.log(`title: ${page.product?.title ?? ""}`);
    console.log(`degraded: ${degraded.length > 0 ? degraded.join(", ") : "none"}`);
    return 0;
  } catch (error) {
    const e = ConnectError.from(error);
    console.error(`error: ${Code[e.code]}: ${e.rawMessage}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
