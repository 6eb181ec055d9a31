// @pagemesh/client: typed clients of every pagemesh service, generated from the contracts in proto/.
export * from "./gen/index.js";
export { apis } from "./gen/apis.js";
export * from "./client.js";
