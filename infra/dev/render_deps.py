"""What the PDF renderer (pass certificates) needs beyond the Python packages, for `make install`.

- HarfBuzz-Subset (Debian `libharfbuzz-subset0`): WeasyPrint subsets fonts with it (~50 ms per certificate;
  its fontTools fallback takes ~4 s). Installed with apt-get when missing and we are root; otherwise the
  command to run is printed and the step fails.
- The Chinese font (Noto Serif SC) comes from a pinned PyPI wheel; its SHA-256 is checked here.

Idempotent and quick when everything is there (production images install the Debian package in their build).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "backend"))

from assessment.services import certificate_fonts  # noqa: E402 - after the path is set

PACKAGES = ["libharfbuzz-subset0"]


def log(msg: str) -> None:
    print(f"[render-deps] {msg}", flush=True)


def ensure_harfbuzz_subset() -> None:
    if certificate_fonts.harfbuzz_subset_available():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(
            f"[render-deps] missing {' '.join(PACKAGES)}: install it with the system's package manager"
        )
    log(f"installing Debian's {' '.join(PACKAGES)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", *PACKAGES], check=True, env=env)


def main() -> None:
    ensure_harfbuzz_subset()
    try:
        path = certificate_fonts.fonts_check()
    except certificate_fonts.FontSetupError as exc:
        raise SystemExit(f"[render-deps] {exc}") from exc
    log(f"certificate font ok: {path.name}")


if __name__ == "__main__":
    main()
