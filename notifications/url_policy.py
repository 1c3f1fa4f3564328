"""Which webhook URLs may be called (API.md §5), checked at creation and again before every
delivery (SSRF): the host is resolved here, every address it resolves to is checked, and the
connection goes to the checked address (`Target.ip`), never to a second resolution.

- live endpoints: `https` only, to a host whose every address is public (`is_global`, not
  multicast): private, loopback, link-local (cloud metadata 169.254.169.254), CGNAT, unique-local
  and reserved addresses are refused, as are IP literals of those ranges and `localhost`;
- sandbox endpoints: `http` only to loopback (`127.0.0.1`, `[::1]`, `localhost`); `https` to
  loopback or public hosts. Private and link-local addresses are refused in sandbox too.

URLs must not carry credentials (`user:pass@`); they would be shown in every listing.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
# What every accepted URL looks like (the OpenAPI `pattern`; `check_url` and `resolve_target`
# enforce more: the scheme per mode, the host's addresses): http(s), a non-empty authority without
# credentials, no space or control character anywhere.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\x00-\x20\x7f@/?#]+(?:[/?#][^\x00-\x20\x7f]*)?$"
URL_RULES = (
    "Live endpoints: https only, to a host whose every address is public. Sandbox endpoints: "
    "https, or http only to 127.0.0.1, [::1] or localhost; private and link-local addresses are "
    "refused in both. No credentials (user:pass@), no spaces or control characters."
)
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrl(Exception):
    """The URL may not be called; the message says why (safe to show to the merchant)."""


@dataclass(frozen=True)
class Target:
    """A checked destination: connect to `ip`, present `host` (Host header, TLS SNI)."""

    scheme: str
    host: str
    port: int
    path: str
    ip: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


def getaddrinfo(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (tests replace this to simulate DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _address(value: str) -> IpAddress | None:
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_public(address: IpAddress) -> bool:
    return address.is_global and not address.is_multicast


def _split(url: str) -> tuple[str, str, int, str]:
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"The URL must be 1 to {MAX_URL_LENGTH} characters.")
    if any(ord(char) <= 32 or ord(char) == 127 for char in url):
        raise UnsafeUrl("The URL must not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl("The URL is not valid.") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise UnsafeUrl("The URL must use https (or http to localhost in sandbox).")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("The URL must not contain credentials.")
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeUrl("The URL must name a host.")
    try:
        host.encode("ascii") if _address(host) else host.encode("idna")
    except UnicodeError:
        raise UnsafeUrl("The URL's host name is not valid.") from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def _is_loopback_host(host: str) -> bool:
    address = _address(host)
    return host in LOOPBACK_NAMES if address is None else address.is_loopback


def check_url(url: str, *, livemode: bool) -> tuple[str, str, int, str]:
    """The syntactic rules (no DNS): scheme, credentials, host. Returns (scheme, host, port,
    path); raises UnsafeUrl."""
    scheme, host, port, path = _split(url)
    loopback = _is_loopback_host(host)
    if livemode:
        if scheme != "https":
            raise UnsafeUrl("Live endpoints must use https.")
        if loopback:
            raise UnsafeUrl("Live endpoints must not point to localhost or loopback addresses.")
    elif scheme == "http" and not loopback:
        raise UnsafeUrl("Sandbox endpoints may use http only to 127.0.0.1 or localhost.")
    literal = _address(host)
    if literal is not None and not (_is_public(literal) or (loopback and not livemode)):
        raise UnsafeUrl(f"The address {host} is private, link-local or reserved.")
    return scheme, host, port, path


def resolve_target(url: str, *, livemode: bool) -> Target:
    """Check `url` and resolve its host; every address must be allowed (a name resolving to one
    public and one private address is refused). Raises UnsafeUrl."""
    scheme, host, port, path = check_url(url, livemode=livemode)
    if _address(host) is not None:
        return Target(scheme=scheme, host=host, port=port, path=path, ip=host)  # checked above
    loopback_name = _is_loopback_host(host)
    try:
        resolved = getaddrinfo(host, port)
    except (OSError, UnicodeError):
        raise UnsafeUrl(f"The host {host} could not be resolved.") from None
    if not resolved:
        raise UnsafeUrl(f"The host {host} could not be resolved.")
    for value in resolved:
        address = _address(value)
        if address is None:
            raise UnsafeUrl(f"The host {host} resolved to an invalid address.")
        allowed = _is_public(address) or (address.is_loopback and not livemode)
        if loopback_name and not address.is_loopback:
            allowed = False
        if not allowed:
            raise UnsafeUrl(
                f"The host {host} resolves to a private, loopback, link-local or reserved address."
            )
    # IPv4 first: `localhost` often resolves to ::1 first while local receivers bind 127.0.0.1.
    ip = sorted(resolved, key=lambda value: ":" in value)[0]
    return Target(scheme=scheme, host=host, port=port, path=path, ip=ip)
