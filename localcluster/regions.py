"""The three regions and where each lives on this machine."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    name: str
    address: str  # its node, database and Redis listen here, as a region's own IPs
    primary: bool = False  # holds the primary database; the others hold standbys


REGIONS = (
    Region("us-east-1", "127.0.0.11", primary=True),
    Region("eu-west-1", "127.0.0.12"),
    Region("ap-southeast-1", "127.0.0.13"),
)
BY_NAME = {region.name: region for region in REGIONS}
PRIMARY = next(region for region in REGIONS if region.primary)
STANDBYS = tuple(region for region in REGIONS if not region.primary)

# Route 53's latency routing for a client in Lagos: eu-west-1 is nearest, then
# us-east-1, then ap-southeast-1.
FAILOVER_ORDER = tuple(BY_NAME[name] for name in ("eu-west-1", "us-east-1", "ap-southeast-1"))
