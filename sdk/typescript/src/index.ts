// Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
// Every pagemesh proto package as a namespace: pagemesh.page.v2 is pageV2.
export * as authorsV1 from "./gen/pagemesh/authors/v1/authors_pb.js";
export * as authorsV2 from "./gen/pagemesh/authors/v2/authors_pb.js";
export * as eventsV1 from "./gen/pagemesh/events/v1/events_pb.js";
export * as historyV1 from "./gen/pagemesh/history/v1/history_pb.js";
export * as historyV2 from "./gen/pagemesh/history/v2/history_pb.js";
export * as pageV1 from "./gen/pagemesh/page/v1/page_pb.js";
export * as pageV2 from "./gen/pagemesh/page/v2/page_pb.js";
export * as productV1 from "./gen/pagemesh/product/v1/product_pb.js";
export * as productV2 from "./gen/pagemesh/product/v2/product_pb.js";
export * as recommendationsV1 from "./gen/pagemesh/recommendations/v1/recommendations_pb.js";
export * as recommendationsV2 from "./gen/pagemesh/recommendations/v2/recommendations_pb.js";
export * as reviewsV1 from "./gen/pagemesh/reviews/v1/reviews_pb.js";
export * as reviewsV2 from "./gen/pagemesh/reviews/v2/reviews_pb.js";
export * as sponsoredV1 from "./gen/pagemesh/sponsored/v1/sponsored_pb.js";
export * as sponsoredV2 from "./gen/pagemesh/sponsored/v2/sponsored_pb.js";
