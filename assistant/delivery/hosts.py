"""Which host names a server answers to: pure rules, so the command line can say them without loading a server."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(header: str) -> str:
    """The name in a Host header, without its port: "example.org:7860" → "example.org", "[::1]:80" → "::1"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def allowed_hosts(bound: str, extra: Iterable[str]) -> frozenset[str]:
    """Loopback names, the address the server is bound to (unless it is a wildcard), and the names the user adds."""
    names = set(LOOPBACK_NAMES) | {n.strip().lower() for n in extra if n.strip()}
    if bound not in ("0.0.0.0", "::", ""):
        names.add(bound.lower())
    return frozenset(names)
