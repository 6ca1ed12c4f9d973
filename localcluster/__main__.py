"""python -m localcluster [--state-dir DIR] start|status|stop|fault FAULT [REGION]"""

import argparse
import sys
import time
from dataclasses import fields
from pathlib import Path

from localcluster.regions import STANDBYS
from localcluster.topology import (
    DEFAULT_STATE_DIR,
    FAULTS,
    AlreadyRunning,
    ClusterError,
    Ports,
    Topology,
)

FAULT_HELP = """\
faults, each with its undo:
  pause-replay REGION    the replica stops replaying WAL: its lag grows   (resume-replay REGION)
  stop-replica REGION    pg_ctl stop on the replica                       (start-replica REGION)
  freeze-replica REGION  SIGSTOP the replica's processes: it hangs        (thaw-replica REGION)
  stop-primary           pg_ctl stop on the primary                       (start-primary)
  heal                   undo every fault
replica regions: """ + ", ".join(region.name for region in STANDBYS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m localcluster",
        description="Three regions on one machine: PostgreSQL primary and standbys, "
        "regional gunicorn nodes, HAProxy as Route 53, nginx as CloudFront.",
        epilog=FAULT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start everything, loaded with the demo data")
    for field in fields(Ports):
        start.add_argument(f"--{field.name}-port", type=int, default=field.default)
    commands.add_parser("status", help="what runs, and each region's health")
    commands.add_parser("stop", help="stop everything (logs stay in the state folder)")
    fault = commands.add_parser("fault", help="break or heal a database", epilog=FAULT_HELP)
    fault.formatter_class = argparse.RawDescriptionHelpFormatter
    fault.add_argument("fault", choices=FAULTS)
    fault.add_argument("region", nargs="?")
    args = parser.parse_args(argv)

    topology = Topology(args.state_dir)
    try:
        match args.command:
            case "start":
                began = time.monotonic()
                ports = Ports(**{f.name: getattr(args, f"{f.name}_port") for f in fields(Ports)})
                topology.start(ports)
                print(f"Started in {time.monotonic() - began:.0f} s.")
                _print_status(topology)
            case "status":
                _print_status(topology)
                return 0 if topology.running() else 1
            case "stop":
                topology.stop()
                print("Stopped.")
            case "fault":
                topology.fault(args.fault, args.region)
                _print_status(topology)
    except AlreadyRunning as exc:
        print(exc)
        _print_status(topology)
        return 0 if topology.running() else 1
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _print_status(topology: Topology) -> None:
    lines = topology.status()
    if not lines:
        print(f"The local topology is not running (state folder {topology.state_dir}).")
        return
    width = max(len(name) for name, _, _ in lines)
    address_width = max(len(address) for _, address, _ in lines)
    for name, address, state in lines:
        print(f"{name:<{width}}  {address:<{address_width}}  {state}")


if __name__ == "__main__":
    sys.exit(main())
