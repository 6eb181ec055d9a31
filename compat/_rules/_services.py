"""Rules on services and RPCs."""

from __future__ import annotations

from google.protobuf import descriptor_pb2

from compat._findings import Report
from compat._model import Location, Method, Service
from compat._pairs import Handler, for_each_method_pair, for_each_service_pair
from compat._rules._common import METHOD_IDEMPOTENCY, METHOD_INPUT, METHOD_OPTIONS, METHOD_OUTPUT, quote

__all__ = [
    "rpc_no_delete",
    "rpc_same_client_streaming",
    "rpc_same_idempotency_level",
    "rpc_same_request_type",
    "rpc_same_response_type",
    "rpc_same_server_streaming",
]


@for_each_service_pair
def rpc_no_delete(report: Report, service: Service, previous_service: Service) -> None:
    names = {m.name for m in service.methods}
    for previous_method in previous_service.methods:
        if previous_method.name not in names:
            report(
                service.location,
                previous_service.location,
                f"Previously present RPC {quote(previous_method.name)} on service {quote(service.name)} "
                "was deleted.",
                deleted=previous_service.file.location(previous_method.path),
            )


def _method_location(method: Method, *sub: int) -> Location | None:
    return method.service.file.location(method.path + sub)


def _streaming_rule(side: str) -> Handler:
    attribute = f"{side}_streaming"

    def rule(report: Report, method: Method, previous_method: Method) -> None:
        previous, current = getattr(previous_method.proto, attribute), getattr(method.proto, attribute)
        if previous != current:
            before, after = ("unary", "streaming") if current else ("streaming", "unary")
            report(
                _method_location(method),
                _method_location(previous_method),
                f"RPC {quote(method.name)} on service {quote(method.service.name)} "
                f"changed from {side} {before} "
                f"to {side} {after}.",
            )

    return for_each_method_pair(rule)


@for_each_method_pair
def rpc_same_idempotency_level(report: Report, method: Method, previous_method: Method) -> None:
    previous, current = (
        previous_method.proto.options.idempotency_level,
        method.proto.options.idempotency_level,
    )
    if previous != current:
        names = descriptor_pb2.MethodOptions.IdempotencyLevel
        report(
            _method_location(method, METHOD_OPTIONS, METHOD_IDEMPOTENCY),
            _method_location(previous_method, METHOD_OPTIONS, METHOD_IDEMPOTENCY),
            f"RPC {quote(method.name)} on service {quote(method.service.name)} changed option "
            f'"idempotency_level" from {quote(names.Name(previous))} to {quote(names.Name(current))}.',
            file=method.service.file,
            against_file=previous_method.service.file,
        )


def _message_type_rule(attribute: str, path: int, what: str) -> Handler:
    def rule(report: Report, method: Method, previous_method: Method) -> None:
        previous, current = getattr(previous_method.proto, attribute), getattr(method.proto, attribute)
        if previous != current:
            report(
                _method_location(method, path),
                _method_location(previous_method, path),
                f"RPC {quote(method.name)} on service {quote(method.service.name)} "
                f"changed {what} type from "
                f"{quote(previous.lstrip('.'))} to {quote(current.lstrip('.'))}.",
                file=method.service.file,
            )

    return for_each_method_pair(rule)


rpc_same_client_streaming = _streaming_rule("client")
rpc_same_server_streaming = _streaming_rule("server")
rpc_same_request_type = _message_type_rule("input_type", METHOD_INPUT, "request")
rpc_same_response_type = _message_type_rule("output_type", METHOD_OUTPUT, "response")
