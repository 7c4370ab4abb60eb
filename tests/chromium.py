"""Which Chromium the browser tests drive, and getting one when there is none.

`find_chromium()` picks, in order: the `CHROMIUM_PATH` environment variable (an error if it
names no file), Debian's or Ubuntu's package (`/usr/bin/chromium`, or `chromium` /
`chromium-browser` on PATH; snap stubs are passed over: Playwright cannot drive a confined
snap browser), then Playwright's own Chromium if `playwright install chromium` has put it in
place. `make test` runs `python tests/chromium.py --install` first: if nothing is found it
installs Debian's package with apt-get (root on Debian/Ubuntu) or else Playwright's own
browser, and says exactly what to run when neither works.
"""

import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
PATH_NAMES = ("chromium", "chromium-browser")
APT_PACKAGES = ("chromium", "fonts-dejavu-core")
SCRIPT_SIZE_LIMIT = 64 * 1024  # a launcher script, not the browser itself


class ChromiumNotFound(RuntimeError):
    """No Chromium to drive, or CHROMIUM_PATH names none; the message says what to do."""


@dataclass(frozen=True)
class Chromium:
    """A browser to launch: a binary of this system's, or Playwright's own download."""

    path: Path
    origin: str  # where it was found, for the one line `--install` prints
    bundled: bool = False  # Playwright's own: launched by channel, without executable_path

    def launch_options(self) -> dict[str, str]:
        """The keyword arguments for `playwright.chromium.launch` that pick this browser."""
        if self.bundled:
            # The full Chromium build Playwright reports as executable_path (new headless, as
            # the Debian binary runs), not the separate headless shell `launch()` defaults to.
            return {"channel": "chromium"}
        return {"executable_path": str(self.path)}

    def describe(self) -> str:
        return f"{self.path} ({self.origin})"


def is_snap_stub(path: Path) -> bool:
    """True for a snap's launcher (`/snap/bin/chromium` → /usr/bin/snap) or Ubuntu's
    transitional `chromium-browser` script that hands over to the snap."""
    real = Path(os.path.realpath(path))
    if path.parts[:2] == ("/", "snap") or real.parts[:2] == ("/", "snap") or real.name == "snap":
        return True
    try:
        if real.stat().st_size > SCRIPT_SIZE_LIMIT:
            return False
        return b"/snap/" in real.read_bytes()
    except OSError:
        return False


def is_executable_file(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def playwright_chromium_path() -> str | None:
    """Where Playwright's own Chromium is (or would be) installed; None if Playwright fails."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            return playwright.chromium.executable_path
    except Exception:  # no driver: no Playwright browser either
        return None


def find_chromium(
    env: Mapping[str, str] | None = None,
    *,
    debian_path: Path = DEBIAN_CHROMIUM,
    which: Callable[[str], str | None] = shutil.which,
    bundled_path: Callable[[], str | None] = playwright_chromium_path,
) -> Chromium | None:
    """The Chromium to drive, or None. Raises ChromiumNotFound if CHROMIUM_PATH names no file.

    `bundled_path` is only called when no system browser is found (it starts Playwright's
    driver)."""
    env = os.environ if env is None else env
    explicit = env.get("CHROMIUM_PATH", "").strip()
    if explicit:
        path = Path(explicit).expanduser()
        if not is_executable_file(path):
            raise ChromiumNotFound(
                f"CHROMIUM_PATH={explicit} is not an executable file: point it at a Chromium "
                "or Chrome binary, or unset it"
            )
        return Chromium(path, "CHROMIUM_PATH")
    candidates = [debian_path] + [Path(p) for name in PATH_NAMES if (p := which(name))]
    for path in candidates:
        if is_executable_file(path) and not is_snap_stub(path):
            return Chromium(path, "system package")
    bundled = bundled_path()
    if bundled and Path(bundled).is_file():
        return Chromium(Path(bundled), "Playwright's own, from `playwright install chromium`", True)
    return None


# --- Installing one -------------------------------------------------------------------------


@dataclass(frozen=True)
class Installer:
    """One way to get a Chromium: its commands, run in order, all of which must succeed."""

    name: str
    commands: tuple[tuple[str, ...], ...]


def apt_installer(apt_get: str) -> Installer:
    return Installer(
        "apt-get (Debian's chromium package)",
        (
            (apt_get, "update", "-qq"),
            (apt_get, "install", "-y", "-qq", "--no-install-recommends", *APT_PACKAGES),
        ),
    )


def playwright_installer(python: str, with_deps: bool) -> Installer:
    # --no-shell: the tests launch the full build (channel "chromium"), not the headless shell.
    flags = ("--with-deps",) if with_deps else ()
    return Installer(
        "Playwright's own Chromium download",
        ((python, "-m", "playwright", "install", *flags, "--no-shell", "chromium"),),
    )


def install_plan(
    *, system: str, is_root: bool, apt_get: str | None, python: str
) -> list[Installer]:
    """The installers to try, in order. Root on Debian/Ubuntu: the distribution's package,
    then Playwright's download with its system libraries. Anyone else (not root, macOS,
    Windows, a Linux without apt): Playwright's download, which needs no root."""
    if system == "Linux" and is_root and apt_get:
        return [apt_installer(apt_get), playwright_installer(python, with_deps=True)]
    return [playwright_installer(python, with_deps=False)]


def display_python(python: str, cwd: Path) -> str:
    """`.venv/bin/python` rather than an absolute path when the interpreter is under `cwd`."""
    try:
        return str(Path(python).relative_to(cwd))
    except ValueError:
        return python


def missing_message(*, has_apt: bool | None = None, python: str | None = None) -> str:
    """The one message shown when no Chromium can be found or installed (by default for this
    machine: apt-get present or not, this interpreter)."""
    if has_apt is None:
        has_apt = shutil.which("apt-get") is not None
    python = display_python(python or sys.executable, Path.cwd())
    ways = ["`sudo apt-get install chromium`"] if has_apt else []
    ways.append(f"`{python} -m playwright install chromium`")
    return (
        "The browser tests need Chromium and none was found. Install it with "
        + " or ".join(ways)
        + ", or set CHROMIUM_PATH to a Chromium or Chrome binary."
    )


def run_command(command: Sequence[str]) -> bool:
    """Run one install command, its output shown; True if it succeeded."""
    print("+", " ".join(command), flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        return subprocess.run(command, env=env, check=False).returncode == 0
    except OSError as error:
        print(f"  could not run it: {error}", file=sys.stderr)
        return False


def ensure_chromium(
    *,
    find: Callable[[], Chromium | None] = find_chromium,
    plan: list[Installer] | None = None,
    run: Callable[[Sequence[str]], bool] = run_command,
    has_apt: bool | None = None,
    python: str | None = None,
    out=sys.stdout,
    err=sys.stderr,
) -> int:
    """Find a Chromium, or install one; print one line saying which. 0 if there is one."""
    apt_get = shutil.which("apt-get")
    has_apt = bool(apt_get) if has_apt is None else has_apt
    python = python or sys.executable
    if plan is None:
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
        plan = install_plan(
            system=platform.system(), is_root=is_root, apt_get=apt_get, python=python
        )
    try:
        found = find()
        if found:
            print(f"Chromium for the browser tests: {found.describe()}", file=out)
            return 0
        for installer in plan:
            print(f"No Chromium found; installing it with {installer.name}", file=out, flush=True)
            if all(run(command) for command in installer.commands) and (found := find()):
                print(f"Chromium for the browser tests: {found.describe()}", file=out)
                return 0
            print(f"Installing with {installer.name} did not give a usable Chromium", file=err)
    except ChromiumNotFound as error:
        print(error, file=err)
        return 1
    print(missing_message(has_apt=has_apt, python=python), file=err)
    return 1


def main(argv: Sequence[str]) -> int:
    if list(argv) == ["--install"]:
        return ensure_chromium()
    if not argv:
        try:
            found = find_chromium()
        except ChromiumNotFound as error:
            print(error, file=sys.stderr)
            return 1
        print(found.describe() if found else "none")
        return 0 if found else 1
    print("usage: python tests/chromium.py [--install]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
