"""Conversions between the backends' answers and the page, in both API versions.

The aggregator has one page model inside, the v2 page. Backend answers are adapted into it: v2 answers
almost field for field, v1 answers (from an older deployment, see version negotiation) with their float
prices and string dates converted. The v1 page is then derived from the v2 page, so v1 and v2 callers
always see the same data.
"""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from pagemesh.authors.v1 import authors_pb2 as authors_v1
from pagemesh.authors.v2 import authors_pb2 as authors_v2
from pagemesh.history.v1 import history_pb2 as history_v1
from pagemesh.history.v2 import history_pb2 as history_v2
from pagemesh.page.v1 import page_pb2 as page_v1
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.product.v1 import product_pb2 as product_v1
from pagemesh.product.v2 import product_pb2 as product_v2
from pagemesh.recommendations.v1 import recommendations_pb2 as recommendations_v1
from pagemesh.recommendations.v2 import recommendations_pb2 as recommendations_v2
from pagemesh.reviews.v1 import reviews_pb2 as reviews_v1
from pagemesh.reviews.v2 import reviews_pb2 as reviews_v2
from pagemesh.sponsored.v1 import sponsored_pb2 as sponsored_v1
from pagemesh.sponsored.v2 import sponsored_pb2 as sponsored_v2

__all__ = [
    "FORMAT_NAMES",
    "authors_from_v1",
    "authors_from_v2",
    "money_as_float",
    "money_from_float",
    "page_v1_from_v2",
    "product_from_v1",
    "product_from_v2",
    "recently_viewed_from_v1",
    "recently_viewed_from_v2",
    "recommendations_from_v1",
    "recommendations_from_v2",
    "reviews_from_v1",
    "reviews_from_v2",
    "sponsored_from_v1",
    "sponsored_from_v2",
]

FORMAT_NAMES = {
    product_v2.FORMAT_HARDCOVER: "Hardcover",
    product_v2.FORMAT_PAPERBACK: "Paperback",
    product_v2.FORMAT_EBOOK: "E-book",
    product_v2.FORMAT_AUDIOBOOK: "Audiobook",
}
"""How each format is shown to people (the v1 page carries this text)."""


def money_from_float(amount: float, currency_code: str) -> product_v2.Money:
    """A v1 float price as v2 Money; rounded to whole nanos, as the float was rounded from them."""
    nanos_total = round(amount * 1_000_000_000)
    units, nanos = divmod(nanos_total, 1_000_000_000)
    if units < 0 and nanos:
        # Money wants units and nanos with the same sign: -1.5 is (-1, -500000000), not (-2, 500000000).
        units, nanos = units + 1, nanos - 1_000_000_000
    return product_v2.Money(currency_code=currency_code, units=units, nanos=nanos)


def money_as_float(money: product_v2.Money) -> float:
    """v2 Money as the v1 float."""
    return money.units + money.nanos / 1e9


def _timestamp(text: str) -> Timestamp | None:
    """An RFC 3339 string or a "YYYY-MM-DD" date as a Timestamp; None when empty or unreadable."""
    if not text:
        return None
    stamp = Timestamp()
    try:
        stamp.FromJsonString(text if "T" in text else f"{text}T00:00:00Z")
    except ValueError:
        return None
    return stamp


def _rfc3339(stamp: Timestamp) -> str:
    return stamp.ToJsonString() if stamp.seconds or stamp.nanos else ""


def product_from_v2(product: product_v2.Product) -> page_v2.ProductDetails:
    """The page's product from product.v2."""
    return page_v2.ProductDetails(
        id=product.id,
        title=product.title,
        subtitle=product.subtitle,
        description=product.description,
        price=product.price,
        format=product.format,
        isbn=product.isbn,
        page_count=product.page_count,
        publish_time=product.publish_time,
        categories=product.categories,
        image_uri=product.image_uri,
        language_code=product.language_code,
    )


def product_from_v1(product: product_v1.Product) -> page_v2.ProductDetails:
    """The page's product from product.v1 (the two Format enums share their numbers)."""
    return page_v2.ProductDetails(
        id=product.id,
        title=product.title,
        subtitle=product.subtitle,
        description=product.description,
        price=money_from_float(product.price, product.currency_code),
        format=product_v2.Format.ValueType(product.format),
        isbn=product.isbn,
        page_count=product.page_count,
        publish_time=_timestamp(product.published_date),
        categories=product.categories,
        image_uri=product.image_url,
    )


def authors_from_v2(response: authors_v2.ListProductAuthorsResponse) -> list[page_v2.AuthorSummary]:
    """The page's authors from authors.v2."""
    return [
        page_v2.AuthorSummary(
            id=author.id,
            display_name=author.name.display_name,
            family_name=author.name.family_name,
            biography=author.biography,
            photo_uri=author.photo_uri,
        )
        for author in response.authors
    ]


def authors_from_v1(response: authors_v1.GetProductAuthorResponse) -> list[page_v2.AuthorSummary]:
    """The page's authors from authors.v1, which knows only the main author and one name string."""
    author = response.author
    if not author.id:
        return []
    return [
        page_v2.AuthorSummary(
            id=author.id,
            display_name=author.name,
            family_name=author.name.rpartition(" ")[2],
            biography=author.bio,
        )
    ]


def reviews_from_v2(response: reviews_v2.ListReviewsResponse) -> page_v2.ReviewsSection:
    """The page's reviews from reviews.v2."""
    return page_v2.ReviewsSection(
        average_rating=response.summary.average_rating,
        total_count=response.summary.total_count,
        star_counts=response.summary.star_counts,
        reviews=[
            page_v2.ReviewSnippet(
                reviewer_name=review.reviewer_name,
                rating=review.rating,
                title=review.title,
                body=review.body,
                create_time=review.create_time,
                verified_purchase=review.verified_purchase,
            )
            for review in response.reviews
        ],
        next_page_token=response.next_page_token,
    )


def reviews_from_v1(response: reviews_v1.ListReviewsResponse) -> page_v2.ReviewsSection:
    """The page's reviews from reviews.v1, which has no star counts and no paging."""
    return page_v2.ReviewsSection(
        average_rating=response.average_rating,
        total_count=response.total_count,
        reviews=[
            page_v2.ReviewSnippet(
                reviewer_name=review.reviewer_name,
                rating=review.rating,
                title=review.title,
                body=review.body,
                create_time=_timestamp(review.created_at),
            )
            for review in response.reviews
        ],
    )


def recommendations_from_v2(
    response: recommendations_v2.ListRecommendationsResponse,
) -> list[page_v2.RecommendationCard]:
    """The page's recommendations from recommendations.v2."""
    return [
        page_v2.RecommendationCard(
            product_id=r.product_id, title=r.title, score=r.score, explanation=r.explanation
        )
        for r in response.recommendations
    ]


def recommendations_from_v1(
    response: recommendations_v1.ListRecommendationsResponse,
) -> list[page_v2.RecommendationCard]:
    """The page's recommendations from recommendations.v1, which has no scores or reasons."""
    return [page_v2.RecommendationCard(product_id=r.product_id, title=r.title) for r in response.products]


def sponsored_from_v2(response: sponsored_v2.ListSponsoredListingsResponse) -> list[page_v2.SponsoredCard]:
    """The page's sponsored listings from sponsored.v2."""
    return [
        page_v2.SponsoredCard(
            listing_id=listing.listing_id,
            product_id=listing.product_id,
            title=listing.title,
            price=listing.price,
            advertiser_name=listing.advertiser_name,
        )
        for listing in response.listings
    ]


def sponsored_from_v1(response: sponsored_v1.ListSponsoredListingsResponse) -> list[page_v2.SponsoredCard]:
    """The page's sponsored listings from sponsored.v1, which has float prices and no listing IDs."""
    return [
        page_v2.SponsoredCard(
            product_id=listing.product_id,
            title=listing.title,
            price=money_from_float(listing.price, listing.currency_code),
            advertiser_name=listing.advertiser,
        )
        for listing in response.listings
    ]


def recently_viewed_from_v2(response: history_v2.ListViewedProductsResponse) -> list[page_v2.ViewedCard]:
    """The page's recently viewed products from history.v2."""
    return [
        page_v2.ViewedCard(product_id=view.product_id, title=view.title, view_time=view.view_time)
        for view in response.views
    ]


def recently_viewed_from_v1(response: history_v1.ListViewedProductsResponse) -> list[page_v2.ViewedCard]:
    """The page's recently viewed products from history.v1, whose times are strings."""
    return [
        page_v2.ViewedCard(product_id=view.product_id, title=view.title, view_time=_timestamp(view.viewed_at))
        for view in response.products
    ]


def page_v1_from_v2(page: page_v2.GetProductPageResponse) -> page_v1.GetProductPageResponse:
    """The v1 page: the same data with float prices, string dates and only the main author."""
    product = page.product
    publish = product.publish_time.ToDatetime().date().isoformat() if product.HasField("publish_time") else ""
    response = page_v1.GetProductPageResponse(
        product=page_v1.ProductDetails(
            id=product.id,
            title=product.title,
            subtitle=product.subtitle,
            description=product.description,
            price=money_as_float(product.price),
            currency_code=product.price.currency_code,
            format=FORMAT_NAMES.get(product.format, ""),
            isbn=product.isbn,
            page_count=product.page_count,
            published_date=publish,
            categories=product.categories,
            image_url=product.image_uri,
        ),
        recommendations=[
            page_v1.ProductCard(product_id=r.product_id, title=r.title) for r in page.recommendations
        ],
        sponsored=[
            page_v1.SponsoredCard(
                product_id=s.product_id,
                title=s.title,
                price=money_as_float(s.price),
                currency_code=s.price.currency_code,
                advertiser=s.advertiser_name,
            )
            for s in page.sponsored
        ],
        recently_viewed=[
            page_v1.ProductCard(product_id=v.product_id, title=v.title) for v in page.recently_viewed
        ],
    )
    if page.authors:
        main = page.authors[0]
        response.author.CopyFrom(
            page_v1.AuthorSummary(id=main.id, name=main.display_name, bio=main.biography)
        )
    if page.HasField("reviews"):
        response.average_rating = page.reviews.average_rating
        response.review_count = page.reviews.total_count
        response.reviews.extend(
            page_v1.ReviewSnippet(
                reviewer_name=r.reviewer_name,
                rating=r.rating,
                title=r.title,
                body=r.body,
                created_at=_rfc3339(r.create_time),
            )
            for r in page.reviews.reviews
        )
    return response
