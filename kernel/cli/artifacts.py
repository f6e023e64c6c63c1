"""`arcade artifacts RUN`: list a run's artifacts, or download one as NAME.tar.gz."""

from __future__ import annotations

import argparse
from pathlib import Path

from kernel.cli.client import EXIT_OK, EXIT_USAGE, ApiClient, CliError
from kernel.cli.ops import ref
from kernel.cli.output import print_json, print_table


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def cmd_artifacts(args: argparse.Namespace) -> int:
    api = ApiClient(args.server, args.token)
    if args.download:
        folder = Path(args.output)
        if not folder.is_dir():
            raise CliError(f"--output {args.output}: not a folder", exit_code=EXIT_USAGE)
        target = folder / f"{args.download}.tar.gz"
        size = api.download(f"/runs/{ref(args.run)}/artifacts/{ref(args.download)}", target)
        if args.json:
            print_json({"name": args.download, "path": str(target), "size": size})
        else:
            print(f"saved {target} ({human_size(size)})")
        return EXIT_OK
    artifacts = api.request("GET", f"/runs/{ref(args.run)}/artifacts")["artifacts"]
    if args.json:
        print_json(artifacts)
    else:
        print_table(
            ("NAME", "JOB", "SIZE", "FILES", "EXPIRES"),
            [(a["name"], a["job"], human_size(a["size"]), a["files"], a["expires_at"]) for a in artifacts],
        )
    return EXIT_OK
