"""Which Chromium the browser tests drive, and setting one up on a fresh machine.

In order of preference:

1. Playwright's own Chromium (``playwright install chromium``), the build Playwright is tested
   with; ``make test`` tries to download it when it is missing.
2. A system Chromium on the PATH (Debian's ``chromium``, ``chromium-browser``), for networks that
   cannot reach Playwright's download host; ``make test`` installs Debian's package when it runs
   as root with ``apt-get``.
3. Neither: the browser tests fail with :data:`HINT`, one line saying what to install, and every
   other test still runs.

``python -m tests.browser.chromium`` is the set-up step of ``make test``; it always exits 0 so
the rest of the suite runs whatever happens to the browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from playwright.sync_api import Error, Playwright, sync_playwright

HINT = (
    "no Chromium for the browser tests: run `.venv/bin/playwright install chromium`, or install "
    "Debian's (`apt-get install chromium`) or put a `chromium` on the PATH"
)
SYSTEM_NAMES = ("chromium", "chromium-browser")
DOWNLOAD_TIMEOUT = 600  # seconds: ~170 MB on a slow link


class ChromiumMissing(RuntimeError):
    pass


def system_chromium() -> str | None:
    for name in SYSTEM_NAMES:
        if path := shutil.which(name):
            return path
    return None


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def launch_args(playwright: Playwright) -> dict:
    """The ``browser_type.launch`` arguments of a Chromium that starts here, trying Playwright's
    own first; raises :class:`ChromiumMissing` (with :data:`HINT`) when none does."""
    candidates = [{}]
    if path := system_chromium():
        candidates.append({"executable_path": path})
    failures = []
    for args in candidates:
        try:
            playwright.chromium.launch(headless=True, **args).close()
        except Error as error:
            failures.append(
                f"{args.get('executable_path', 'Playwright Chromium')}: {_first_line(error)}"
            )
            continue
        return {**args, "headless": True}
    raise ChromiumMissing(f"{HINT} ({'; '.join(failures)})")


def _working() -> dict | None:
    with sync_playwright() as playwright:
        try:
            return launch_args(playwright)
        except ChromiumMissing:
            return None


def _describe(args: dict | None) -> str | None:
    if args is None:
        return None
    return args.get("executable_path", "Playwright's Chromium")


def _run(command: list[str], **env: str) -> bool:
    try:
        done = subprocess.run(
            command,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=DOWNLOAD_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def set_up() -> str | None:
    """Make a Chromium available if possible; which one the tests will use, or None."""
    args = _working()
    if args is not None and "executable_path" not in args:
        return _describe(args)
    # Playwright's own build is preferred even where a system one works.
    playwright_cli = os.path.join(os.path.dirname(sys.executable), "playwright")
    if _run([playwright_cli, "install", "chromium"]):
        args = _working() or args
    if args is None and os.geteuid() == 0 and shutil.which("apt-get"):
        apt = {"DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "chromium"]
        if _run(install, **apt) or (
            _run(["apt-get", "update", "-qq"], **apt) and _run(install, **apt)
        ):
            args = _working()
    return _describe(args)


def main() -> int:
    found = set_up()
    print(f"browser tests: {found or HINT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
