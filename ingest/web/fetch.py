"""Fetching pages and feeds with care: http(s) only, no private addresses (checked again after every redirect,
and the connection made to the very address that was checked), a per-read timeout and a deadline per fetch, a
size cap counted on the decompressed body, a polite User-Agent, few redirects."""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse, urlunparse

from ingest.records import IngestError
from ingest.settings import Settings

USER_AGENT = "Byline/0.1 (news question answering; fetches the pages its user asked for)"
ACCEPT_ENCODING = "gzip, deflate"
"""What `_Decoder` can undo with an output limit; brotli, zstd and stacked encodings are refused."""
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(IngestError):
    """A URL that could not be fetched; the message names the URL, what went wrong and what to do."""


class TryLater(FetchError):
    """The server asked to be left alone for a while (429 or 503): when to come back, if it said."""

    def __init__(self, message: str, retry_after_s: float | None):
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Fetched:
    url: str
    """Where the content came from, after redirects."""
    content_type: str
    body: bytes
    status: int = 200
    """304 when the server says the content did not change since the validators sent."""
    etag: str | None = None
    last_modified: str | None = None
    """The validators to send next time, exactly as the server gave them (never made up)."""


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date."""
    from email.utils import parsedate_to_datetime

    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), 6to4 and NAT64."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Global unicast, and so is any IPv4 address it carries."""
    inner = embedded_ipv4(address)
    return address.is_global and not address.is_multicast and (inner is None or is_public(inner))


def check_url(url: str, allow_private: bool) -> str | None:
    """Refuse schemes other than http(s) and hosts that resolve to loopback, private, link-local or reserved
    addresses, so that a pasted link or a feed entry cannot make the server fetch an internal page. Returns the
    address to connect to (the one checked, so a second lookup cannot swap it), or None when any address may be."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http:// and https:// links can be fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url}: the port is not a number from 1 to 65535; check the link") from None
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as err:
        raise FetchError(f"{url}: cannot resolve the host {parts.hostname} ({err}); check the link") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        if not is_public(address):
            raise FetchError(
                f"{url}: {parts.hostname} is a private, loopback or reserved address ({address}); Byline does not fetch "
                "those unless BYLINE_ALLOW_PRIVATE_URLS=1 (--allow-private-urls) is set"
            )
    if not addresses:
        raise FetchError(f"{url}: the host {parts.hostname} has no address; check the link")
    return str(addresses[0])


def _pinned(url: str, address: str | None) -> tuple[str, dict[str, str], dict]:
    """The request URL with the checked address as its host, the Host header and the TLS server name kept."""
    parts = urlparse(url)
    if address is None or parts.hostname is None:
        return url, {}, {}
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    host_header = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return urlunparse(parts._replace(netloc=netloc)), {"Host": host_header}, extensions


def fetch(
    url: str,
    settings: Settings,
    accept: str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET with redirects followed by hand, so that every hop is checked like the first. With validators from an
    earlier fetch it is a conditional GET: a 304 comes back as a `Fetched` with no body."""
    import httpx

    fetching = settings.fetching
    deadline = time.monotonic() + fetching.fetch_deadline_s
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": ACCEPT_ENCODING}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    with httpx.Client(timeout=fetching.fetch_timeout_s, follow_redirects=False, headers=headers, trust_env=False) as client:
        for _ in range(fetching.fetch_max_redirects + 1):
            if time.monotonic() > deadline:
                raise FetchError(
                    f"{url}: no page after {fetching.fetch_deadline_s:g} s (BYLINE_FETCH_DEADLINE_S); try again later"
                )
            target, host, extensions = _pinned(current, check_url(current, fetching.allow_private_urls))
            try:
                request = client.build_request("GET", target, headers=host, extensions=extensions)
                response = client.send(request, stream=True)
                try:
                    validators = (response.headers.get("etag") or etag, response.headers.get("last-modified") or last_modified)
                    if response.status_code == 304:
                        return Fetched(current, "", b"", 304, *validators)
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise FetchError(f"{url}: a redirect without a target ({response.status_code})")
                        current = urljoin(current, location)
                        continue
                    if response.status_code in (429, 503):
                        wait = retry_after_s(response.headers.get("retry-after"))
                        later = f"; it asks to wait {wait:.0f} s" if wait is not None else ""
                        raise TryLater(f"{url}: the server is busy (HTTP {response.status_code}){later}; try again later", wait)
                    if response.status_code >= 400:
                        raise FetchError(f"{url}: the server answered HTTP {response.status_code}; check the link")
                    body = _read_capped(response, url, fetching.max_fetch_bytes, deadline, fetching.fetch_deadline_s)
                    fresh = (response.headers.get("etag"), response.headers.get("last-modified"))
                    return Fetched(current, response.headers.get("content-type", "").lower(), body, 200, *fresh)
                finally:
                    response.close()
            except httpx.TimeoutException:
                raise FetchError(f"{url}: no answer within {fetching.fetch_timeout_s:g} s; try again later") from None
            except httpx.HTTPError as err:
                raise FetchError(f"{url}: could not be fetched ({err}); check the link and the network") from None
    raise FetchError(
        f"{url}: more than {fetching.fetch_max_redirects} redirects; open the link in a browser and use the final address"
    )


class _Decoder:
    """Undoes identity, gzip or deflate with a limit on the output, so a small compressed body cannot expand
    into gigabytes before the cap is seen."""

    def __init__(self, encoding: str, url: str):
        self.encoding, self.url = encoding, url
        self._inflater: zlib._Decompress | None = None

    @classmethod
    def of(cls, header: str, url: str) -> _Decoder:
        codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
        if len(codings) > 1:
            raise FetchError(f"{url}: the server stacked encodings ({header}); Byline accepts one of {ACCEPT_ENCODING}")
        coding = codings[0] if codings else "identity"
        if coding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(f"{url}: the server sent {coding}, which Byline does not accept (only {ACCEPT_ENCODING})")
        return cls(coding, url)

    def decode(self, data: bytes, room: int) -> bytes:
        """At most room + 1 bytes: one more than the room says the body is over the limit."""
        if self.encoding == "identity":
            return data
        out = b""
        while data and len(out) <= room:
            if self._inflater is None:
                self._inflater = zlib.decompressobj(self._wbits(data))
            try:
                out += self._inflater.decompress(data, room + 1 - len(out))
            except zlib.error as err:
                raise FetchError(f"{self.url}: the {self.encoding} body is corrupt ({err}); try again later") from None
            data = self._inflater.unused_data if self._inflater.eof else b""
            if self._inflater.eof:
                self._inflater = None  # gzip members may follow one another
        return out

    def _wbits(self, first: bytes) -> int:
        if self.encoding in ("gzip", "x-gzip"):
            return 16 + zlib.MAX_WBITS
        zlib_header = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] * 256 + first[1]) % 31 == 0
        return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS


def _read_capped(response, url: str, limit: int, deadline: float, seconds: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(
            f"{url}: {int(declared) / 1e6:.1f} MB is over the {limit / 1e6:.1f} MB limit per page (BYLINE_MAX_FETCH_MB)"
        )
    decoder = _Decoder.of(response.headers.get("content-encoding", ""), url)
    chunks, size = [], 0
    for raw in response.iter_raw():
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: still arriving after {seconds:g} s (BYLINE_FETCH_DEADLINE_S); try again later")
        chunk = decoder.decode(raw, limit - size)
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: the page is over the {limit / 1e6:.1f} MB limit per page (BYLINE_MAX_FETCH_MB)")
        chunks.append(chunk)
    return b"".join(chunks)
