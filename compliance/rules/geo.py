"""IP address → country for risk attributes: the sandbox table (docs/risk.md). A production
deployment swaps in a GeoIP database behind `ip_country`; the sandbox keeps tests deterministic."""

import ipaddress
from functools import lru_cache

# The documentation ranges of RFC 5737 / RFC 3849 and a few private blocks, each given a country.
SANDBOX_IP_COUNTRIES: tuple[tuple[str, str], ...] = (
    ("192.0.2.0/24", "US"),
    ("198.51.100.0/24", "GB"),
    ("203.0.113.0/24", "NG"),
    ("10.0.0.0/8", "US"),
    ("172.16.0.0/12", "FR"),
    ("192.168.0.0/16", "DE"),
    ("100.64.0.0/10", "BR"),
    ("2001:db8::/32", "JP"),
)
_NETWORKS = tuple((ipaddress.ip_network(cidr), country) for cidr, country in SANDBOX_IP_COUNTRIES)


@lru_cache(maxsize=4096)
def ip_country(ip: str | None) -> str | None:
    """The country of `ip` per SANDBOX_IP_COUNTRIES, or None (unknown address or no address)."""
    if not ip:
        return None
    address = ipaddress.ip_address(ip)
    for network, country in _NETWORKS:
        if address.version == network.version and address in network:
            return country
    return None
