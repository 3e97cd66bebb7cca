"""CLI start: wall time of ``outreach --help`` against ``python -c "import click"``.

Both run as fresh processes, alternately, several times; the figures are the
medians. ``outreach --help`` cannot be faster than Python starting and
importing click, so that is the baseline. Target: within 2x of it. When it
misses, the outreach modules ``--help`` imported are listed (from
``python -X importtime``), slowest first: those are the imports to make lazy.

    python benchmarks/bench_cli_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from common import ROOT, median, timed, verdict

TARGET_RATIO = 2.0
HELP = [sys.executable, "-m", "outreach", "--help"]
BASELINE = [sys.executable, "-c", "import click"]


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def imported_modules(prefix: str = "outreach") -> list[tuple[int, str]]:
    """(cumulative microseconds, module) for each ``prefix`` module ``--help`` imports."""
    result = subprocess.run([sys.executable, "-X", "importtime", *HELP[1:]], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    found = []
    for line in result.stderr.splitlines():
        # "import time: self [us] | cumulative | imported package"
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit():
            name = parts[2].strip()
            if name == prefix or name.startswith(prefix + "."):
                found.append((int(parts[1]), name))
    return sorted(found, reverse=True)


def run(runs: int = 7) -> dict[str, float]:
    _run(HELP)  # warm the file cache and write the bytecode
    _run(BASELINE)
    helps, baselines = [], []
    for _ in range(runs):
        helps.append(timed(lambda: _run(HELP)))
        baselines.append(timed(lambda: _run(BASELINE)))
    help_s, base_s = median(helps), median(baselines)
    ratio = help_s / base_s
    print(f"CLI start: median of {runs} runs each")
    print(f"  outreach --help:         {help_s * 1000:6.0f} ms")
    print(f'  python -c "import click": {base_s * 1000:5.0f} ms')
    print(f"  ratio: {ratio:.2f}x "
          f"(target <= {TARGET_RATIO:.0f}x: {verdict(ratio <= TARGET_RATIO)})")
    modules = imported_modules()
    if ratio > TARGET_RATIO:
        print("  outreach modules imported by --help (cumulative import time):")
        for micros, name in modules:
            print(f"    {micros / 1000:7.1f} ms  {name}")
    else:
        print(f"  outreach modules imported by --help: {', '.join(n for _, n in modules)}")
    return {"help_ms": help_s * 1000, "baseline_ms": base_s * 1000, "ratio": ratio}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (default 7)")
    run(parser.parse_args().runs)
