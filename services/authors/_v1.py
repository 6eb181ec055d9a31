"""pagemesh.authors.v1: authors with one name string and a date string."""

from __future__ import annotations

import grpc.aio

from pagemesh.authors.v1 import authors_pb2 as pb
from pagemesh.authors.v1 import authors_pb2_grpc as pb_grpc
from services.authors._directory import AuthorDirectory
from services.authors._model import Author

__all__ = ["AuthorServiceV1"]


def to_v1(author: Author) -> pb.Author:
    """The v1 wire form of an author."""
    return pb.Author(
        id=author.id,
        name=author.display_name,
        bio=author.biography,
        birth_date=author.birth_date.isoformat(),
        product_ids=author.product_ids,
    )


class AuthorServiceV1(pb_grpc.AuthorServiceServicer):
    """Adapts the directory to the v1 contract."""

    def __init__(self, directory: AuthorDirectory) -> None:
        self._directory = directory

    async def GetAuthor(
        self,
        request: pb.GetAuthorRequest,
        context: grpc.aio.ServicerContext[pb.GetAuthorRequest, pb.GetAuthorResponse],
    ) -> pb.GetAuthorResponse:
        return pb.GetAuthorResponse(author=to_v1(await self._directory.get(request.id)))

    async def GetProductAuthor(
        self,
        request: pb.GetProductAuthorRequest,
        context: grpc.aio.ServicerContext[pb.GetProductAuthorRequest, pb.GetProductAuthorResponse],
    ) -> pb.GetProductAuthorResponse:
        authors = await self._directory.of_product(request.product_id)
        return pb.GetProductAuthorResponse(author=to_v1(authors[0]))
