"""Fetching pages and feeds with care: http(s) only, no private addresses (checked again after every redirect),
a timeout and a size cap per request, a polite User-Agent, few redirects."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

from ingest.records import IngestError
from ingest.settings import Settings

USER_AGENT = "Byline/0.1 (news question answering; fetches the pages its user asked for)"


class FetchError(IngestError):
    """A URL that could not be fetched; the message names the URL, what went wrong and what to do."""


@dataclass(frozen=True)
class Fetched:
    url: str
    """Where the content came from, after redirects."""
    content_type: str
    body: bytes


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def check_url(url: str, allow_private: bool) -> None:
    """Refuse schemes other than http(s) and hosts that resolve to loopback, private, link-local or reserved
    addresses, so that a pasted link or a feed entry cannot make the server fetch an internal page."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http:// and https:// links can be fetched")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError) as err:
        raise FetchError(f"{url}: cannot resolve the host {parts.hostname} ({err}); check the link") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            raise FetchError(
                f"{url}: {parts.hostname} is a private, loopback or reserved address ({address}); Byline does not fetch "
                "those unless BYLINE_ALLOW_PRIVATE_URLS=1 (--allow-private-urls) is set"
            )


def fetch(
    url: str, settings: Settings, accept: str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"
) -> Fetched:
    """GET with redirects followed by hand, so that every hop is checked like the first."""
    import httpx

    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    current = url
    with httpx.Client(
        timeout=settings.fetching.fetch_timeout_s, follow_redirects=False, headers=headers, trust_env=False
    ) as client:
        for _ in range(settings.fetching.fetch_max_redirects + 1):
            check_url(current, settings.fetching.allow_private_urls)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise FetchError(f"{url}: a redirect without a target ({response.status_code})")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"{url}: the server answered HTTP {response.status_code}; check the link")
                    body = _read_capped(response, url, settings.fetching.max_fetch_bytes)
                    return Fetched(str(response.url), response.headers.get("content-type", "").lower(), body)
            except httpx.TimeoutException:
                raise FetchError(f"{url}: no answer within {settings.fetching.fetch_timeout_s:g} s; try again later") from None
            except httpx.HTTPError as err:
                raise FetchError(f"{url}: could not be fetched ({err}); check the link and the network") from None
    raise FetchError(
        f"{url}: more than {settings.fetching.fetch_max_redirects} redirects; open the link in a browser and use the final address"
    )


def _read_capped(response, url: str, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(
            f"{url}: {int(declared) / 1e6:.1f} MB is over the {limit / 1e6:.1f} MB limit per page (BYLINE_MAX_FETCH_MB)"
        )
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: the page is over the {limit / 1e6:.1f} MB limit per page (BYLINE_MAX_FETCH_MB)")
        chunks.append(chunk)
    return b"".join(chunks)
