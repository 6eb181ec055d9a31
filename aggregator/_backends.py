"""One typed record per backend: everything the page knows about calling it, in one place.

A `Backend` holds its contract in every API version it speaks (the proto file and the generated stub,
newest first: the order versions are tried in), each section of the page it provides (the read it makes in
each version and the adapter that turns the answer into page data) and its other reads. Which calls may be
retried (by the channel's service config) or hedged (by the aggregator) is not listed anywhere: it is read
from each method's `idempotency_level` in the contract (`NO_SIDE_EFFECTS` or `IDEMPOTENT`), so a write
(`history.RecordView`, which the aggregator no longer sends: page views are events) is never sent twice.

`BACKENDS` is the six of them, in the order the page shows their sections; `PRODUCT` is the one required
section and `SECTIONS` the optional ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from google.protobuf.descriptor import FileDescriptor, ServiceDescriptor
from google.protobuf.message import Message

from aggregator import _adapters as adapt
from aggregator._config import AggregatorConfig
from pagemesh.authors.v1 import authors_pb2 as authors_v1
from pagemesh.authors.v1 import authors_pb2_grpc as authors_v1_grpc
from pagemesh.authors.v2 import authors_pb2 as authors_v2
from pagemesh.authors.v2 import authors_pb2_grpc as authors_v2_grpc
from pagemesh.client import is_retryable
from pagemesh.history.v1 import history_pb2 as history_v1
from pagemesh.history.v1 import history_pb2_grpc as history_v1_grpc
from pagemesh.history.v2 import history_pb2 as history_v2
from pagemesh.history.v2 import history_pb2_grpc as history_v2_grpc
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.product.v1 import product_pb2 as product_v1
from pagemesh.product.v1 import product_pb2_grpc as product_v1_grpc
from pagemesh.product.v2 import product_pb2 as product_v2
from pagemesh.product.v2 import product_pb2_grpc as product_v2_grpc
from pagemesh.recommendations.v1 import recommendations_pb2 as recommendations_v1
from pagemesh.recommendations.v1 import recommendations_pb2_grpc as recommendations_v1_grpc
from pagemesh.recommendations.v2 import recommendations_pb2 as recommendations_v2
from pagemesh.recommendations.v2 import recommendations_pb2_grpc as recommendations_v2_grpc
from pagemesh.reviews.v1 import reviews_pb2 as reviews_v1
from pagemesh.reviews.v1 import reviews_pb2_grpc as reviews_v1_grpc
from pagemesh.reviews.v2 import reviews_pb2 as reviews_v2
from pagemesh.reviews.v2 import reviews_pb2_grpc as reviews_v2_grpc
from pagemesh.sponsored.v1 import sponsored_pb2 as sponsored_v1
from pagemesh.sponsored.v1 import sponsored_pb2_grpc as sponsored_v1_grpc
from pagemesh.sponsored.v2 import sponsored_pb2 as sponsored_v2
from pagemesh.sponsored.v2 import sponsored_pb2_grpc as sponsored_v2_grpc

__all__ = [
    "BACKENDS",
    "PRODUCT",
    "SECTIONS",
    "Backend",
    "Call",
    "CataloguePage",
    "Contract",
    "PageRequest",
    "Read",
    "SectionSpec",
]

R = TypeVar("R")
T = TypeVar("T")
Call = tuple[str, Message]
"""A method name and its request."""


@dataclass(frozen=True)
class Contract:
    """One API version of a backend: the proto file that defines its service, and the generated stub."""

    version: str
    file: FileDescriptor
    stub: Callable[[Any], Any]
    """The stub class: called with a channel, it has one attribute per method."""

    @property
    def service(self) -> ServiceDescriptor:
        """The file's one service."""
        (service,) = self.file.services_by_name.values()
        return service

    def repeatable(self, method: str) -> bool:
        """Whether the contract declares `method` free of side effects or idempotent: safe to send twice."""
        return is_retryable(self.service.methods_by_name[method])


@dataclass(frozen=True)
class PageRequest:
    """What a page was asked for: the reads are built from it."""

    product_id: str
    user_id: str
    config: AggregatorConfig


@dataclass(frozen=True)
class CataloguePage:
    """One page of the catalogue, as the HTML front page lists it."""

    page_token: str
    page_size: int


@dataclass(frozen=True)
class Read(Generic[R, T]):
    """A read in both API versions, built from an `R`, and how each version's answer becomes a `T`."""

    v2: Callable[[R], Call]
    v1: Callable[[R], Call]
    from_v2: Callable[[Any], T]
    from_v1: Callable[[Any], T]

    def call(self, version: str, request: R) -> Call:
        """The method and request to send in `version`."""
        return (self.v2 if version == "v2" else self.v1)(request)

    def adapt(self, version: str, response: Any) -> T:
        """The page data of an answer in `version`."""
        return (self.from_v2 if version == "v2" else self.from_v1)(response)


@dataclass(frozen=True)
class SectionSpec:
    """One section of the page: which backend, the read it makes, and where the answer goes."""

    name: str
    """The section's name in logs and HTML, e.g. `reviews`."""
    backend: str
    """The service that provides it."""
    section: page_v2.Section.ValueType
    """Its name in the v2 contract (SECTION_UNSPECIFIED for the required product)."""
    read: Read[PageRequest, Any]
    apply: Callable[[page_v2.GetProductPageResponse, Any], None]
    """Puts the adapted answer into the page."""
    empty_on_not_found: bool = False
    """NOT_FOUND means an empty section (history: the user has viewed nothing yet), not a failure."""
    needs_user: bool = False
    """Only fetched for a signed-in visitor (an anonymous one has no history)."""

    @property
    def required(self) -> bool:
        """Whether the page cannot be built without it (the product)."""
        return self.section == page_v2.SECTION_UNSPECIFIED


@dataclass(frozen=True)
class Backend:
    """One backend service as the page sees it: its contract per version, its sections and other reads."""

    name: str
    contracts: tuple[Contract, ...]
    """Newest first: the first is tried, the next is the fallback when it answers UNIMPLEMENTED."""
    sections: tuple[SectionSpec, ...]
    reads: Mapping[str, Read[Any, Any]] = field(default_factory=dict)
    """Reads besides its page sections, by name (the product's `catalogue`)."""

    def __post_init__(self) -> None:
        strangers = [s.name for s in self.sections if s.backend != self.name]
        if strangers:
            raise ValueError(f"sections {strangers} do not belong to backend {self.name!r}")

    @property
    def versions(self) -> tuple[str, ...]:
        """The API versions it speaks, newest first."""
        return tuple(contract.version for contract in self.contracts)

    def contract(self, version: str) -> Contract:
        """Its contract in `version`."""
        for contract in self.contracts:
            if contract.version == version:
                return contract
        raise KeyError(f"{self.name} has no {version} contract")

    def repeatable(self, version: str, method: str) -> bool:
        """Whether `method` may be sent twice in `version`: retried on UNAVAILABLE, or hedged."""
        return self.contract(version).repeatable(method)

    def retryable_methods(self) -> list[tuple[str, str]]:
        """(service, method) of every repeatable method in every version: the channel retries these."""
        return [
            (contract.service.full_name, method.name)
            for contract in self.contracts
            for method in contract.service.methods
            if contract.repeatable(method.name)
        ]


_Generated = tuple[FileDescriptor, Callable[[Any], Any]]


def _contracts(v2: _Generated, v1: _Generated) -> tuple[Contract, ...]:
    """v2 first: the version every backend is called in, v1 the fallback during a rolling upgrade."""
    return (Contract("v2", *v2), Contract("v1", *v1))


def _set_product(page: page_v2.GetProductPageResponse, value: page_v2.ProductDetails) -> None:
    page.product.CopyFrom(value)


def _set_reviews(page: page_v2.GetProductPageResponse, value: page_v2.ReviewsSection) -> None:
    page.reviews.CopyFrom(value)


PRODUCT = SectionSpec(
    name="product",
    backend="product",
    section=page_v2.SECTION_UNSPECIFIED,
    read=Read(
        v2=lambda r: ("GetProduct", product_v2.GetProductRequest(id=r.product_id)),
        v1=lambda r: ("GetProduct", product_v1.GetProductRequest(id=r.product_id)),
        from_v2=lambda response: adapt.product_from_v2(response.product),
        from_v1=lambda response: adapt.product_from_v1(response.product),
    ),
    apply=_set_product,
)

_AUTHORS = SectionSpec(
    name="authors",
    backend="authors",
    section=page_v2.SECTION_AUTHORS,
    read=Read(
        v2=lambda r: ("ListProductAuthors", authors_v2.ListProductAuthorsRequest(product_id=r.product_id)),
        v1=lambda r: ("GetProductAuthor", authors_v1.GetProductAuthorRequest(product_id=r.product_id)),
        from_v2=adapt.authors_from_v2,
        from_v1=adapt.authors_from_v1,
    ),
    apply=lambda page, value: page.authors.extend(value),
)

_REVIEWS = SectionSpec(
    name="reviews",
    backend="reviews",
    section=page_v2.SECTION_REVIEWS,
    read=Read(
        v2=lambda r: (
            "ListReviews",
            reviews_v2.ListReviewsRequest(
                product_id=r.product_id,
                page_size=r.config.reviews_per_page,
                order=reviews_v2.REVIEW_ORDER_MOST_HELPFUL,
            ),
        ),
        v1=lambda r: (
            "ListReviews",
            reviews_v1.ListReviewsRequest(product_id=r.product_id, max_results=r.config.reviews_per_page),
        ),
        from_v2=adapt.reviews_from_v2,
        from_v1=adapt.reviews_from_v1,
    ),
    apply=_set_reviews,
)

_RECOMMENDATIONS = SectionSpec(
    name="recommendations",
    backend="recommendations",
    section=page_v2.SECTION_RECOMMENDATIONS,
    read=Read(
        v2=lambda r: (
            "ListRecommendations",
            recommendations_v2.ListRecommendationsRequest(
                product_id=r.product_id, user_id=r.user_id, page_size=r.config.recommendations_per_page
            ),
        ),
        v1=lambda r: (
            "ListRecommendations",
            recommendations_v1.ListRecommendationsRequest(
                product_id=r.product_id, user_id=r.user_id, max_results=r.config.recommendations_per_page
            ),
        ),
        from_v2=adapt.recommendations_from_v2,
        from_v1=adapt.recommendations_from_v1,
    ),
    apply=lambda page, value: page.recommendations.extend(value),
)

_SPONSORED = SectionSpec(
    name="sponsored",
    backend="sponsored",
    section=page_v2.SECTION_SPONSORED,
    read=Read(
        v2=lambda r: (
            "ListSponsoredListings",
            sponsored_v2.ListSponsoredListingsRequest(
                product_id=r.product_id, max_results=r.config.sponsored_per_page
            ),
        ),
        v1=lambda r: (
            "ListSponsoredListings",
            sponsored_v1.ListSponsoredListingsRequest(
                product_id=r.product_id, max_results=r.config.sponsored_per_page
            ),
        ),
        from_v2=adapt.sponsored_from_v2,
        from_v1=adapt.sponsored_from_v1,
    ),
    apply=lambda page, value: page.sponsored.extend(value),
)

_RECENTLY_VIEWED = SectionSpec(
    name="recently_viewed",
    backend="history",
    section=page_v2.SECTION_RECENTLY_VIEWED,
    read=Read(
        v2=lambda r: (
            "ListViewedProducts",
            history_v2.ListViewedProductsRequest(
                user_id=r.user_id, page_size=r.config.recently_viewed_per_page
            ),
        ),
        v1=lambda r: (
            "ListViewedProducts",
            history_v1.ListViewedProductsRequest(
                user_id=r.user_id, max_results=r.config.recently_viewed_per_page
            ),
        ),
        from_v2=adapt.recently_viewed_from_v2,
        from_v1=adapt.recently_viewed_from_v1,
    ),
    apply=lambda page, value: page.recently_viewed.extend(value),
    empty_on_not_found=True,
    needs_user=True,
)


def _as_is(response: Any) -> Any:
    return response


_CATALOGUE: Read[CataloguePage, Any] = Read(
    v2=lambda c: (
        "ListProducts",
        product_v2.ListProductsRequest(page_size=c.page_size, page_token=c.page_token),
    ),
    v1=lambda c: (
        "ListProducts",
        product_v1.ListProductsRequest(page_size=c.page_size, page_token=c.page_token),
    ),
    # The front page shows each version's answer itself (its prices differ in shape).
    from_v2=_as_is,
    from_v1=_as_is,
)

_ALL: Sequence[Backend] = (
    Backend(
        "product",
        _contracts(
            (product_v2.DESCRIPTOR, product_v2_grpc.ProductServiceStub),
            (product_v1.DESCRIPTOR, product_v1_grpc.ProductServiceStub),
        ),
        (PRODUCT,),
        reads={"catalogue": _CATALOGUE},
    ),
    Backend(
        "authors",
        _contracts(
            (authors_v2.DESCRIPTOR, authors_v2_grpc.AuthorServiceStub),
            (authors_v1.DESCRIPTOR, authors_v1_grpc.AuthorServiceStub),
        ),
        (_AUTHORS,),
    ),
    Backend(
        "reviews",
        _contracts(
            (reviews_v2.DESCRIPTOR, reviews_v2_grpc.ReviewServiceStub),
            (reviews_v1.DESCRIPTOR, reviews_v1_grpc.ReviewServiceStub),
        ),
        (_REVIEWS,),
    ),
    Backend(
        "recommendations",
        _contracts(
            (recommendations_v2.DESCRIPTOR, recommendations_v2_grpc.RecommendationServiceStub),
            (recommendations_v1.DESCRIPTOR, recommendations_v1_grpc.RecommendationServiceStub),
        ),
        (_RECOMMENDATIONS,),
    ),
    Backend(
        "sponsored",
        _contracts(
            (sponsored_v2.DESCRIPTOR, sponsored_v2_grpc.SponsoredServiceStub),
            (sponsored_v1.DESCRIPTOR, sponsored_v1_grpc.SponsoredServiceStub),
        ),
        (_SPONSORED,),
    ),
    Backend(
        "history",
        _contracts(
            (history_v2.DESCRIPTOR, history_v2_grpc.HistoryServiceStub),
            (history_v1.DESCRIPTOR, history_v1_grpc.HistoryServiceStub),
        ),
        (_RECENTLY_VIEWED,),
    ),
)

BACKENDS: Mapping[str, Backend] = {backend.name: backend for backend in _ALL}
"""Every backend by name, in the order the page shows their sections."""

SECTIONS: tuple[SectionSpec, ...] = tuple(
    section for backend in _ALL for section in backend.sections if not section.required
)
"""The optional sections, in the order the page shows them."""
