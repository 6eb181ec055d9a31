"""pagemesh.authors.v2: authors with structured names, timestamps and several per book."""

from __future__ import annotations

import grpc.aio

from pagemesh.authors.v2 import authors_pb2 as pb
from pagemesh.authors.v2 import authors_pb2_grpc as pb_grpc
from services.authors._directory import AuthorDirectory
from services.authors._model import Author
from services.domain import timestamp_of_date

__all__ = ["AuthorServiceV2"]


def to_v2(author: Author) -> pb.Author:
    """The v2 wire form of an author."""
    return pb.Author(
        id=author.id,
        name=pb.PersonName(
            given_name=author.given_name, family_name=author.family_name, display_name=author.display_name
        ),
        biography=author.biography,
        birth_time=timestamp_of_date(author.birth_date),
        product_ids=author.product_ids,
        photo_uri=author.photo_url,
    )


class AuthorServiceV2(pb_grpc.AuthorServiceServicer):
    """Adapts the directory to the v2 contract."""

    def __init__(self, directory: AuthorDirectory) -> None:
        self._directory = directory

    async def GetAuthor(
        self,
        request: pb.GetAuthorRequest,
        context: grpc.aio.ServicerContext[pb.GetAuthorRequest, pb.GetAuthorResponse],
    ) -> pb.GetAuthorResponse:
        return pb.GetAuthorResponse(author=to_v2(await self._directory.get(request.id)))

    async def ListProductAuthors(
        self,
        request: pb.ListProductAuthorsRequest,
        context: grpc.aio.ServicerContext[pb.ListProductAuthorsRequest, pb.ListProductAuthorsResponse],
    ) -> pb.ListProductAuthorsResponse:
        authors = await self._directory.of_product(request.product_id)
        return pb.ListProductAuthorsResponse(authors=[to_v2(a) for a in authors])
