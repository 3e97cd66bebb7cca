"""CLI start: wall time of ``outreach --help`` against ``python -c "import click"``.

``outreach --help`` runs in Russian and in English (``OUTREACH_LANG``): the
language is chosen, its catalogues loaded and every text translated before
the help is printed. All run as fresh processes, in turn, several times; the
figures are the medians. ``outreach --help`` cannot be faster than Python
starting and importing click, so that is the baseline. Target: within 1.5x of
it in each language. When it misses, the outreach modules ``--help`` imported
are listed (from ``python -X importtime``), slowest first: those are the
imports to make lazy.

    python benchmarks/bench_cli_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from common import ROOT, median, timed, verdict

TARGET_RATIO = 1.5
HELP = [sys.executable, "-m", "outreach", "--help"]
BASELINE = [sys.executable, "-c", "import click"]
LANGUAGES = ("ru", "en")


def _environment(lang: str) -> dict[str, str]:
    # Bytecode as on a centre's machine: pip compiles the modules it installs and
    # Python caches what it compiles, so a start never compiles source. (A shell
    # with PYTHONDONTWRITEBYTECODE set would have every run compile outreach anew
    # while click's bytecode, compiled at install, is loaded: not what users see.)
    env = {name: value for name, value in os.environ.items()
           if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "OUTREACH_LANG": lang}


def _run(command: list[str], lang: str = "en") -> None:
    env = _environment(lang)
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)


def imported_modules(prefix: str = "outreach") -> list[tuple[int, str]]:
    """(cumulative microseconds, module) for each ``prefix`` module ``--help`` imports."""
    result = subprocess.run([sys.executable, "-X", "importtime", *HELP[1:]], cwd=ROOT,
                            capture_output=True, text=True, check=True,
                            env=_environment("ru"))
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
    for lang in LANGUAGES:  # warm the file cache and write the bytecode
        _run(HELP, lang)
    _run(BASELINE)
    helps: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}
    baselines = []
    for _ in range(runs):
        for lang in LANGUAGES:
            helps[lang].append(timed(lambda lang=lang: _run(HELP, lang)))
        baselines.append(timed(lambda: _run(BASELINE)))
    base_s = median(baselines)
    figures = {"baseline_ms": base_s * 1000}
    print(f"CLI start: median of {runs} runs each")
    print(f'  python -c "import click":    {base_s * 1000:5.0f} ms')
    missed = False
    for lang in LANGUAGES:
        help_s = median(helps[lang])
        ratio = help_s / base_s
        missed = missed or ratio > TARGET_RATIO
        figures[f"help_{lang}_ms"], figures[f"ratio_{lang}"] = help_s * 1000, ratio
        print(f"  outreach --help ({lang}):      {help_s * 1000:5.0f} ms   ratio {ratio:.2f}x "
              f"(target <= {TARGET_RATIO}x: {verdict(ratio <= TARGET_RATIO)})")
    modules = imported_modules()
    if missed:
        print("  outreach modules imported by --help (cumulative import time):")
        for micros, name in modules:
            print(f"    {micros / 1000:7.1f} ms  {name}")
    else:
        print(f"  outreach modules imported by --help: {', '.join(n for _, n in modules)}")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (default 7)")
    run(parser.parse_args().runs)
