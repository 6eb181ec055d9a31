"""The deterministic demo data set: a book shop's catalogue, authors, reviews, ads and browsing history.

Every service seeds its own store from its part of this data set on first start, so all services agree
on IDs and titles without any service reading another's store. Where a service's domain model already
describes a record (authors, reviews, views), the data set is made of that type rather than a copy of it.
The same seed gives the same data on every machine (Python's `random.Random` is stable across platforms
for a given seed).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from services.authors._model import Author
from services.history._model import View
from services.reviews._model import Review

__all__ = [
    "Book",
    "Catalogue",
    "Listing",
    "Recommendation",
    "catalogue",
]

SEED = 20_261_125
BOOK_COUNT = 240
AUTHOR_COUNT = 90
USER_IDS = ("u-alice", "u-bruno", "u-chen", "u-dana", "u-emeka", "u-fatima")


@dataclass(frozen=True)
class Book:
    """One product: a book in one format."""

    id: str
    title: str
    subtitle: str
    description: str
    author_ids: tuple[str, ...]
    currency_code: str
    price_units: int
    price_nanos: int
    format: str
    isbn: str
    page_count: int
    published: date
    categories: tuple[str, ...]
    image_url: str
    language_code: str


@dataclass(frozen=True)
class Recommendation:
    """A book suggested beside another."""

    product_id: str
    recommended_id: str
    title: str
    score: float
    reason: str
    explanation: str


@dataclass(frozen=True)
class Listing:
    """A paid listing for a book, shown on pages of books in the same top-level category."""

    listing_id: str
    product_id: str
    title: str
    currency_code: str
    price_units: int
    price_nanos: int
    advertiser_name: str
    bid_micros: int
    category: str
    placement: str


@dataclass(frozen=True)
class Catalogue:
    """The whole demo data set."""

    books: tuple[Book, ...]
    authors: tuple[Author, ...]
    reviews: tuple[Review, ...]
    recommendations: tuple[Recommendation, ...]
    listings: tuple[Listing, ...]
    views: tuple[View, ...]
    user_interests: tuple[tuple[str, str], ...]
    """(user ID, category) pairs the recommendation service personalises with."""


_GENRES: tuple[tuple[str, str], ...] = (
    ("Fiction", "Mystery"),
    ("Fiction", "Science Fiction"),
    ("Fiction", "Fantasy"),
    ("Fiction", "Historical Fiction"),
    ("Fiction", "Literary Fiction"),
    ("Non-fiction", "History"),
    ("Non-fiction", "Science"),
    ("Non-fiction", "Biography"),
    ("Non-fiction", "Cooking"),
    ("Computing", "Programming"),
    ("Computing", "Distributed Systems"),
    ("Children", "Picture Books"),
)
_ADJECTIVES = (
    "Silent",
    "Hidden",
    "Last",
    "Burning",
    "Glass",
    "Northern",
    "Forgotten",
    "Crimson",
    "Quiet",
    "Endless",
    "Hollow",
    "Golden",
    "Broken",
    "Winter",
    "Secret",
    "Distant",
    "Paper",
    "Iron",
)
_NOUNS = (
    "Harbour",
    "Library",
    "Orchard",
    "Lighthouse",
    "Garden",
    "Archive",
    "Compass",
    "River",
    "Tower",
    "Kingdom",
    "Engine",
    "Atlas",
    "Clockmaker",
    "Cartographer",
    "Island",
    "Protocol",
    "Signal",
    "Bridge",
)
_TOPICS = {
    "History": ("the Silk Road", "the Hanseatic League", "the printing press", "the Roman roads"),
    "Science": ("the deep ocean", "sleep", "the immune system", "black holes"),
    "Biography": ("a lighthouse keeper", "a codebreaker", "a botanist", "a chess champion"),
    "Cooking": ("bread", "fermentation", "one-pot dinners", "Sicilian kitchens"),
    "Programming": ("Rust", "Python", "type systems", "compilers"),
    "Distributed Systems": ("consensus", "service meshes", "gRPC", "event sourcing"),
}
_GIVEN = (
    "Ada",
    "Bruno",
    "Clara",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Keiko",
    "Lars",
    "Maya",
    "Nico",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sami",
    "Tove",
    "Umar",
    "Vera",
    "Wen",
)
_FAMILY = (
    "Quill",
    "Marlowe",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Takahashi",
    "Brandt",
    "Castillo",
    "Novak",
    "Haddad",
    "Fischer",
    "Oduya",
    "Petrov",
    "Silva",
    "Varga",
    "Whitlock",
    "Yilmaz",
    "Zhou",
    "Adeyemi",
)
_FORMATS = ("hardcover", "paperback", "paperback", "ebook", "audiobook")
_CURRENCIES = (("USD", 1.0), ("USD", 1.0), ("EUR", 0.92), ("GBP", 0.79), ("JPY", 151.0))
_LANGUAGES = ("en", "en", "en", "en", "de", "fr")
_ADVERTISERS = ("Northwind Press", "Blue Heron Books", "Atlas Publishing", "Lantern House", "Kestrel Media")
_REVIEW_TITLES = {
    1: ("Not for me", "Disappointing", "Could not finish it"),
    2: ("Uneven", "Slow going", "Expected more"),
    3: ("Decent read", "Good in parts", "Worth a try"),
    4: ("Really enjoyed it", "Recommended", "Well written"),
    5: ("A masterpiece", "Could not put it down", "Instant favourite"),
}
_REVIEW_BODIES = {
    1: "The premise promised a lot, but the writing never came alive for me.",
    2: "There are good ideas here, buried under too many pages that go nowhere.",
    3: "A solid book with a strong middle; the ending felt rushed.",
    4: "Thoughtful, well paced and full of details that stay with you.",
    5: "Beautifully written from the first page to the last. I have already bought copies for friends.",
}


def _isbn13(rng: random.Random) -> str:
    digits = [9, 7, 8, *(rng.randrange(10) for _ in range(9))]
    total = sum(d * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _price(rng: random.Random, currency: str, rate: float, book_format: str) -> tuple[int, int]:
    base = {"hardcover": 24.0, "paperback": 12.0, "ebook": 8.0, "audiobook": 18.0}[book_format]
    amount = (base + rng.randrange(0, 1200) / 100) * rate
    if currency == "JPY":
        return round(amount / 10) * 10, 0
    cents = int(amount) * 100 + 99
    return cents // 100, (cents % 100) * 10_000_000


def _plural(noun: str) -> str:
    return f"{noun}es" if noun.endswith("s") else f"{noun}s"


def _title(rng: random.Random, genre: str) -> tuple[str, str]:
    topics = _TOPICS.get(genre)
    if topics:
        topic = rng.choice(topics)
        return f"{rng.choice(_ADJECTIVES)} {_plural(rng.choice(_NOUNS))}", f"A short history of {topic}"
    pattern = rng.randrange(3)
    if pattern == 0:
        return f"The {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}", ""
    if pattern == 1:
        return f"{rng.choice(_NOUNS)} of {rng.choice(_ADJECTIVES)} {_plural(rng.choice(_NOUNS))}", "A Novel"
    noun = rng.choice(_NOUNS)
    return f"{'An' if noun[0] in 'AEIOU' else 'A'} {noun} for {rng.choice(_GIVEN)}", ""


def _build(seed: int) -> Catalogue:
    rng = random.Random(seed)
    author_names = sorted({(g, f) for g in _GIVEN for f in _FAMILY})
    rng.shuffle(author_names)
    author_ids = [f"A{n:04d}" for n in range(1, AUTHOR_COUNT + 1)]
    author_genre = {aid: rng.choice(_GENRES) for aid in author_ids}

    books: list[Book] = []
    titles_seen: set[str] = set()
    for n in range(1, BOOK_COUNT + 1):
        main_author = rng.choice(author_ids)
        genre = author_genre[main_author]
        coauthors = (rng.choice(author_ids),) if rng.random() < 0.1 else ()
        authors = (main_author, *(a for a in coauthors if a != main_author))
        title, subtitle = _title(rng, genre[1])
        while title in titles_seen:
            title = f"{title} II" if not title.endswith(" II") else title.replace(" II", " III")
        titles_seen.add(title)
        book_format = rng.choice(_FORMATS)
        currency, rate = rng.choice(_CURRENCIES)
        units, nanos = _price(rng, currency, rate, book_format)
        books.append(
            Book(
                id=f"P{n:05d}",
                title=title,
                subtitle=subtitle,
                description=(
                    f"{title} belongs on the {genre[1]} shelf, and readers of "
                    f"{rng.choice(_ADJECTIVES).lower()} stories have waited for it. "
                    f"Set between a {rng.choice(_NOUNS).lower()} and a {rng.choice(_NOUNS).lower()}, "
                    "it asks what we owe the places that made us."
                ),
                author_ids=authors,
                currency_code=currency,
                price_units=units,
                price_nanos=nanos,
                format=book_format,
                isbn=_isbn13(rng),
                page_count=0 if book_format == "audiobook" else rng.randrange(96, 880),
                published=date(1950, 1, 1) + timedelta(days=rng.randrange(0, 27_000)),
                categories=genre,
                image_url=f"https://images.pagemesh.example/covers/P{n:05d}.jpg",
                language_code=rng.choice(_LANGUAGES),
            )
        )

    authors_list = []
    for index, aid in enumerate(author_ids):
        given, family = author_names[index]
        written = tuple(b.id for b in books if aid in b.author_ids)
        authors_list.append(
            Author(
                id=aid,
                given_name=given,
                family_name=family,
                biography=(
                    f"{given} {family} writes {author_genre[aid][1].lower()} and lives by the sea. "
                    + (
                        "Their books have been translated into many languages."
                        if written
                        else "A debut is on the way."
                    )
                ),
                birth_date=date(1930, 1, 1) + timedelta(days=rng.randrange(0, 25_000)),
                photo_url=f"https://images.pagemesh.example/authors/{aid}.jpg",
                product_ids=written,
            )
        )

    reviews: list[Review] = []
    epoch = datetime(2015, 1, 1, tzinfo=UTC)
    for book in books:
        leaning = rng.choice((2, 3, 4, 4, 5))
        for k in range(rng.randrange(0, 31)):
            rating = max(1, min(5, leaning + rng.choice((-2, -1, 0, 0, 0, 1))))
            reviews.append(
                Review(
                    id=f"R{book.id[1:]}-{k + 1:02d}",
                    product_id=book.id,
                    reviewer_name=f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)[0]}.",
                    rating=rating,
                    title=rng.choice(_REVIEW_TITLES[rating]),
                    body=_REVIEW_BODIES[rating],
                    created=epoch + timedelta(seconds=rng.randrange(0, 10 * 365 * 86_400)),
                    verified_purchase=rng.random() < 0.7,
                    helpful_votes=rng.randrange(0, 200),
                )
            )

    by_id = {b.id: b for b in books}
    recommendations: list[Recommendation] = []
    for book in books:
        candidates: dict[str, tuple[float, str, str]] = {}
        for other in books:
            if other.id == book.id:
                continue
            shared = set(other.author_ids) & set(book.author_ids)
            if shared:
                name = authors_list[author_ids.index(sorted(shared)[0])].display_name
                candidates[other.id] = (0.9 + rng.random() * 0.1, "same_author", f"Also by {name}")
            elif other.categories == book.categories and rng.random() < 0.5:
                candidates[other.id] = (
                    0.5 + rng.random() * 0.3,
                    "similar_category",
                    f"More {book.categories[-1].lower()}",
                )
        for other_id in rng.sample(sorted(by_id), 6):
            if other_id != book.id and other_id not in candidates:
                candidates[other_id] = (
                    0.3 + rng.random() * 0.4,
                    "also_bought",
                    "Customers who bought this also bought it",
                )
        ranked = sorted(candidates.items(), key=lambda item: (-item[1][0], item[0]))[:20]
        recommendations.extend(
            Recommendation(book.id, other_id, by_id[other_id].title, round(score, 4), reason, text)
            for other_id, (score, reason, text) in ranked
        )

    listings = []
    for n, book in enumerate(rng.sample(books, 80), start=1):
        listings.append(
            Listing(
                listing_id=f"L{n:04d}",
                product_id=book.id,
                title=book.title,
                currency_code=book.currency_code,
                price_units=book.price_units,
                price_nanos=book.price_nanos,
                advertiser_name=rng.choice(_ADVERTISERS),
                bid_micros=rng.randrange(50_000, 2_000_000),
                category=book.categories[0],
                placement=rng.choice(("top_banner", "sidebar", "carousel")),
            )
        )

    views = []
    interests: list[tuple[str, str]] = []
    now = datetime(2026, 11, 1, tzinfo=UTC)
    for user_id in USER_IDS:
        seen = rng.sample(books, rng.randrange(8, 26))
        for book in seen:
            views.append(
                View(user_id, book.id, book.title, now - timedelta(minutes=rng.randrange(1, 90_000)))
            )
        interests.extend({(user_id, b.categories[-1]) for b in seen[:3]})

    return Catalogue(
        books=tuple(books),
        authors=tuple(authors_list),
        reviews=tuple(reviews),
        recommendations=tuple(recommendations),
        listings=tuple(listings),
        views=tuple(views),
        user_interests=tuple(sorted(interests)),
    )


@functools.cache
def catalogue(seed: int = SEED) -> Catalogue:
    """The demo data set for `seed` (built once per process)."""
    return _build(seed)
