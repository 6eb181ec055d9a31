"""Least privilege on every hop: identities and certificates, and the authorization policy servers enforce.

`pagemesh certs` (see `pagemesh.security.cli`) makes a development CA and a short-lived certificate per
identity; `pagemesh.runtime`'s transport uses them for mutual TLS, and its interceptor asks an `Authorizer`
whether the caller's identity may call the method, under a gRFC A43 policy.
"""

from __future__ import annotations

# The runtime's server imports this package's authorizer, and the authorizer the runtime's settings and
# logging: importing the runtime first lets a program import either package first.
import pagemesh.runtime  # noqa: F401
from pagemesh.security._authorizer import SHIPPED_POLICY, Authorizer, policy_path
from pagemesh.security._certs import (
    IDENTITIES,
    OPERATOR,
    TRUST_DOMAIN,
    CertificateError,
    IdentityFiles,
    certificate_lifetime_left,
    identity_files,
    issue_certificates,
    spiffe_id,
)
from pagemesh.security._policy import Decision, Policy, PolicyError, Rule, load_policy, parse_policy

__all__ = [
    "IDENTITIES",
    "OPERATOR",
    "SHIPPED_POLICY",
    "TRUST_DOMAIN",
    "Authorizer",
    "CertificateError",
    "Decision",
    "IdentityFiles",
    "Policy",
    "PolicyError",
    "Rule",
    "certificate_lifetime_left",
    "identity_files",
    "issue_certificates",
    "load_policy",
    "parse_policy",
    "policy_path",
    "spiffe_id",
]
