"""Rules on packages: elements deleted from a package, whichever file held them."""

from __future__ import annotations

from collections.abc import Callable

from compat._findings import Report
from compat._model import Enum, Field, Image, Message, ProtoFile
from compat._pairs import Handler, whole_image
from compat._rules._common import deleted_element_location, quote

__all__ = [
    "package_enum_no_delete",
    "package_extension_no_delete",
    "package_message_no_delete",
    "package_no_delete",
    "package_service_no_delete",
]


def _package_deletions(
    kind: str, elements: Callable[[ProtoFile], list[Message] | list[Enum] | list[Field]]
) -> Handler:
    """Elements of a package that no file of that package still declares."""

    def handler(report: Report, current: Image, previous: Image) -> None:
        # Like buf, a package counts only once it declares at least one element of this kind, so deleting
        # the last one is not reported (docs/compat.md lists this as buf behaviour we keep).
        current_packages: dict[str, set[str]] = {}
        for pf in current.files:
            for element in elements(pf):
                current_packages.setdefault(pf.package, set()).add(element.nested_name)
        current_files = {pf.name: pf for pf in current.files}
        for pf in previous.files:
            names = current_packages.get(pf.package)
            if names is None:
                continue  # the whole package is gone: PACKAGE_NO_DELETE's finding
            for element in elements(pf):
                if element.nested_name in names:
                    continue
                message = (
                    f"Previously present {kind} {quote(element.nested_name)} "
                    f"was deleted from package {quote(pf.package)}."
                )
                current_file = current_files.get(pf.name)
                if current_file is None:
                    report(None, element.location, message)
                else:
                    report(
                        deleted_element_location(current_file, element.nested_name),
                        element.location,
                        message,
                        file=current_file,
                    )

    return handler


@whole_image
def package_no_delete(report: Report, current: Image, previous: Image) -> None:
    packages = {pf.package for pf in current.files}
    previous_by_package: dict[str, list[ProtoFile]] = {}
    for pf in previous.files:
        previous_by_package.setdefault(pf.package, []).append(pf)
    for package, files in previous_by_package.items():
        if package not in packages:
            first = min(files, key=lambda pf: pf.name)
            report(
                None, None, f"Previously present package {quote(package)} was deleted.", against_file=first
            )


@whole_image
def package_service_no_delete(report: Report, current: Image, previous: Image) -> None:
    # Unlike _package_deletions, a package counts here even when it no longer declares any service
    # (docs/compat.md keeps buf's quirk for enums, messages and extensions only); as in buf, there is no span.
    current_packages: dict[str, set[str]] = {}
    for pf in current.files:
        current_packages.setdefault(pf.package, set()).update(s.name for s in pf.services)
    current_files = {pf.name: pf for pf in current.files}
    for pf in previous.files:
        names = current_packages.get(pf.package)
        if names is None:
            continue
        for service in pf.services:
            if service.name not in names:
                message = (
                    f"Previously present service {quote(service.name)} "
                    f"was deleted from package {quote(pf.package)}."
                )
                report(None, service.location, message, file=current_files.get(pf.name))


package_enum_no_delete = _package_deletions("enum", lambda pf: pf.enums)
package_extension_no_delete = _package_deletions("extension", lambda pf: pf.extensions)
package_message_no_delete = _package_deletions("message", lambda pf: pf.messages)
