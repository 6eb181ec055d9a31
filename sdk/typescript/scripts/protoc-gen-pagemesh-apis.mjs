// protoc-gen-pagemesh-apis: the typed client's half that depends on the contracts, run by `npm run
// generate` (buf) beside protoc-gen-es. It writes, into src/gen/:
//
// - apis.ts: per API version an object with one entry per service (its protoc-gen-es descriptor, with
//   the service's doc comment), and `apis`, every version by name. `createPagemeshClient` (src/client.ts)
//   turns each entry into a Connect client: one method per RPC, `(request, options?)`.
// - index.ts: every proto package as a namespace (pagemesh.page.v2 is `pageV2`).
import { createEcmaScriptPlugin, runNodeJs } from "@bufbuild/protoplugin";

const HEADER = "Generated file. DO NOT EDIT: generated from proto/ when @pagemesh/client is built.";

function camel(name) {
  return name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
}

const plugin = createEcmaScriptPlugin({
  name: "protoc-gen-pagemesh-apis",
  version: "v0.1.0",
  generateTs(schema) {
    const files = schema.files.filter((file) => file.proto.package.startsWith("pagemesh."));
    const byVersion = new Map();
    for (const file of files) {
      const [, area, version] = file.proto.package.split(".");
      for (const service of file.services) {
        const siblings = file.services.length;
        const key = siblings === 1 ? camel(area) : camel(service.name.replace(/Service$/, "")).replace(/^./, (c) => c.toLowerCase());
        if (!byVersion.has(version)) byVersion.set(version, []);
        byVersion.get(version).push({ key, service });
      }
    }
    const versions = [...byVersion.keys()].sort();

    const apis = schema.generateFile("apis.ts");
    apis.print(`// ${HEADER}`);
    apis.print();
    for (const version of versions) {
      const entries = byVersion.get(version).sort((a, b) => a.key.localeCompare(b.key));
      apis.print(apis.jsDoc(`Every pagemesh service in API version ${version}, by name.`));
      apis.print(apis.export("const", `services${version.toUpperCase()}`), " = {");
      for (const { key, service } of entries) {
        apis.print(apis.jsDoc(service, "  "));
        apis.print("  ", key, ": ", apis.importSchema(service), ",");
      }
      apis.print("} as const;");
      apis.print();
    }
    apis.print(apis.jsDoc("Every API version: `apis.v2.page` is pagemesh.page.v2.PageService."));
    apis.print(apis.export("const", "apis"), " = {");
    for (const version of versions) {
      apis.print("  ", version, ": services", version.toUpperCase(), ",");
    }
    apis.print("} as const;");

    const index = schema.generateFile("index.ts");
    index.print(`// ${HEADER}`);
    index.print("// Every pagemesh proto package as a namespace: pagemesh.page.v2 is pageV2.");
    for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
      const [, area, version] = file.proto.package.split(".");
      index.print(`export * as ${camel(area)}${version.toUpperCase()} from "./${file.name}_pb.js";`);
    }
  },
});

runNodeJs(plugin);
