"""tests/chromium.py: which Chromium the browser tests drive, and how `make test` gets one.

Files stand in for browsers (tmp_path), and the installers are faked: nothing is installed or
downloaded here.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.chromium import (
    APT_PACKAGES,
    Chromium,
    ChromiumNotFound,
    Installer,
    display_python,
    ensure_chromium,
    find_chromium,
    install_plan,
    is_snap_stub,
    missing_message,
    run_command,
)

REPO = Path(__file__).resolve().parents[1]
DEBIAN_WRAPPER = b"""#!/bin/sh
# Chromium launcher
for f in /etc/chromium.d/*; do [ -f "$f" ] && . "$f"; done
exec /usr/lib/chromium/chromium $CHROMIUM_FLAGS "$@"
"""
UBUNTU_SNAP_STUB = b"""#! /bin/sh
if [ -x /snap/bin/chromium ]; then exec /snap/bin/chromium "$@"; fi
echo "Command '$0' requires the chromium snap to be installed." >&2
exit 1
"""


def executable(path: Path, content: bytes = b"\x7fELF fake browser") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    path.chmod(0o755)
    return path


def no_bundled():
    raise AssertionError("Playwright's driver was started although a system browser exists")


def which_from(table: dict[str, Path]):
    return lambda name: str(table[name]) if name in table else None


# --- find_chromium: the order ----------------------------------------------------------------


def test_chromium_path_comes_first(tmp_path):
    mine = executable(tmp_path / "my" / "chrome")
    debian = executable(tmp_path / "usr/bin/chromium")

    found = find_chromium(
        {"CHROMIUM_PATH": str(mine)},
        debian_path=debian,
        which=which_from({"chromium": debian}),
        bundled_path=no_bundled,
    )

    assert found == Chromium(mine, "CHROMIUM_PATH")
    assert found.launch_options() == {"executable_path": str(mine)}


@pytest.mark.parametrize("kind", ["missing", "not executable", "a directory"])
def test_a_wrong_chromium_path_is_an_error_not_a_fallback(tmp_path, kind):
    debian = executable(tmp_path / "usr/bin/chromium")
    wrong = tmp_path / "wrong"
    if kind == "not executable":
        wrong.write_text("")
    elif kind == "a directory":
        wrong.mkdir()

    with pytest.raises(ChromiumNotFound, match=f"CHROMIUM_PATH={wrong} is not an executable"):
        find_chromium(
            {"CHROMIUM_PATH": str(wrong)},
            debian_path=debian,
            which=which_from({}),
            bundled_path=no_bundled,
        )


def test_debians_chromium_before_path_and_playwright(tmp_path):
    debian = executable(tmp_path / "usr/bin/chromium", DEBIAN_WRAPPER)
    on_path = executable(tmp_path / "bin/chromium")

    found = find_chromium(
        {}, debian_path=debian, which=which_from({"chromium": on_path}), bundled_path=no_bundled
    )

    assert found == Chromium(debian, "system package")
    assert not found.bundled


@pytest.mark.parametrize("name", ["chromium", "chromium-browser"])
def test_chromium_on_path_when_debians_is_absent(tmp_path, name):
    on_path = executable(tmp_path / "bin" / name)

    found = find_chromium(
        {"CHROMIUM_PATH": ""},  # set but empty counts as unset
        debian_path=tmp_path / "usr/bin/chromium",
        which=which_from({name: on_path}),
        bundled_path=no_bundled,
    )

    assert found == Chromium(on_path, "system package")


def test_snap_stubs_are_passed_over_for_playwrights_chromium(tmp_path):
    snap = executable(tmp_path / "usr/bin/snap")
    (tmp_path / "snap-bin").mkdir()
    (tmp_path / "snap-bin/chromium").symlink_to(snap)  # how /snap/bin/chromium looks
    stub = executable(tmp_path / "usr/bin/chromium-browser", UBUNTU_SNAP_STUB)
    bundled = executable(tmp_path / "ms-playwright/chromium-1255/chrome-linux64/chrome")

    found = find_chromium(
        {},
        debian_path=tmp_path / "usr/bin/chromium",
        which=which_from({"chromium": tmp_path / "snap-bin/chromium", "chromium-browser": stub}),
        bundled_path=lambda: str(bundled),
    )

    assert found.bundled and found.path == bundled
    assert found.launch_options() == {"channel": "chromium"}  # no executable_path


def test_snap_stub_detection(tmp_path):
    assert is_snap_stub(executable(tmp_path / "stub", UBUNTU_SNAP_STUB))
    assert is_snap_stub(Path("/snap/bin/chromium"))
    assert not is_snap_stub(executable(tmp_path / "debian", DEBIAN_WRAPPER))
    assert not is_snap_stub(executable(tmp_path / "binary", b"\x7fELF" + b"/snap/" * 20_000))


def test_none_when_playwrights_chromium_is_not_installed(tmp_path):
    where_it_would_be = tmp_path / "ms-playwright/chromium-1255/chrome-linux64/chrome"

    for bundled_path in (lambda: str(where_it_would_be), lambda: None):
        found = find_chromium(
            {}, debian_path=tmp_path / "nope", which=which_from({}), bundled_path=bundled_path
        )
        assert found is None


# --- install_plan: which installer ---------------------------------------------------------


def commands(plan: list[Installer]) -> list[tuple[str, ...]]:
    return [command for installer in plan for command in installer.commands]


def test_root_on_debian_installs_the_package_then_falls_back_to_playwright():
    plan = install_plan(system="Linux", is_root=True, apt_get="/usr/bin/apt-get", python="py")

    assert commands(plan) == [
        ("/usr/bin/apt-get", "update", "-qq"),
        ("/usr/bin/apt-get", "install", "-y", "-qq", "--no-install-recommends", *APT_PACKAGES),
        ("py", "-m", "playwright", "install", "--with-deps", "--no-shell", "chromium"),
    ]
    assert APT_PACKAGES == ("chromium", "fonts-dejavu-core")


@pytest.mark.parametrize(
    "system, is_root, apt_get",
    [
        ("Linux", False, "/usr/bin/apt-get"),  # a learner on Debian/Ubuntu, not root: no sudo
        ("Linux", True, None),  # root on Fedora, Alpine…
        ("Darwin", False, None),
        ("Darwin", True, "/opt/homebrew/bin/apt-get"),  # an apt-get that is not Debian's
        ("Windows", False, None),
    ],
)
def test_everyone_else_gets_playwrights_download_without_root(system, is_root, apt_get):
    plan = install_plan(system=system, is_root=is_root, apt_get=apt_get, python="py")

    assert commands(plan) == [("py", "-m", "playwright", "install", "--no-shell", "chromium")]


# --- ensure_chromium: what `make test` does ---------------------------------------------------

APT = Installer("apt", (("apt-get", "update"), ("apt-get", "install", "chromium")))
PLAYWRIGHT = Installer("playwright", (("py", "-m", "playwright", "install", "chromium"),))
FOUND = Chromium(Path("/usr/bin/chromium"), "system package")


class Machine:
    """Fake installers: `works` are the commands that succeed; a browser appears after the
    last command of `installs_browser` has run."""

    def __init__(self, works=(), installs_browser=None, found_at_start=None):
        self.works, self.installs_browser = set(works), installs_browser
        self.browser, self.ran = found_at_start, []

    def run(self, command):
        self.ran.append(tuple(command))
        ok = tuple(command) in self.works
        if ok and self.installs_browser and tuple(command) == self.installs_browser.commands[-1]:
            self.browser = FOUND
        return ok

    def find(self):
        return self.browser

    def ensure(self, has_apt=True):
        out, err = io.StringIO(), io.StringIO()
        status = ensure_chromium(
            find=self.find,
            plan=[APT, PLAYWRIGHT],
            run=self.run,
            has_apt=has_apt,
            python=str(REPO / ".venv/bin/python"),
            out=out,
            err=err,
        )
        return status, out.getvalue(), err.getvalue()


def test_a_browser_already_there_installs_nothing():
    machine = Machine(found_at_start=FOUND)

    status, out, err = machine.ensure()

    assert (status, machine.ran, err) == (0, [], "")
    assert out == "Chromium for the browser tests: /usr/bin/chromium (system package)\n"


def test_apt_install_that_works_stops_there():
    machine = Machine(works=APT.commands, installs_browser=APT)

    status, out, _ = machine.ensure()

    assert status == 0
    assert machine.ran == list(APT.commands)
    assert out.splitlines()[-1] == f"Chromium for the browser tests: {FOUND.describe()}"


def test_a_failed_apt_update_falls_back_to_playwright():
    machine = Machine(works=PLAYWRIGHT.commands, installs_browser=PLAYWRIGHT)

    status, _, _ = machine.ensure()

    assert status == 0
    # apt-get install is not run once apt-get update has failed
    assert machine.ran == [APT.commands[0], *PLAYWRIGHT.commands]


def test_an_install_that_succeeds_without_a_usable_browser_falls_back():
    machine = Machine(works=APT.commands + PLAYWRIGHT.commands, installs_browser=PLAYWRIGHT)

    assert machine.ensure()[0] == 0
    assert machine.ran == [*APT.commands, *PLAYWRIGHT.commands]


def test_when_nothing_works_it_fails_with_one_message_saying_what_to_run():
    machine = Machine()

    status, _, err = machine.ensure(has_apt=True)

    assert status == 1
    assert err.splitlines()[-1] == missing_message(
        has_apt=True, python=str(REPO / ".venv/bin/python")
    )


def test_a_wrong_chromium_path_fails_without_installing(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "nope"))
    machine = Machine(works=APT.commands, installs_browser=APT)
    out, err = io.StringIO(), io.StringIO()

    status = ensure_chromium(plan=[APT], run=machine.run, out=out, err=err)

    assert (status, machine.ran, out.getvalue()) == (1, [], "")
    assert "CHROMIUM_PATH=" in err.getvalue()


def test_the_message_names_the_commands(monkeypatch):
    monkeypatch.chdir(REPO)
    python = str(REPO / ".venv/bin/python")

    assert missing_message(has_apt=True, python=python) == (
        "The browser tests need Chromium and none was found. Install it with "
        "`sudo apt-get install chromium` or `.venv/bin/python -m playwright install chromium`, "
        "or set CHROMIUM_PATH to a Chromium or Chrome binary."
    )
    without_apt = missing_message(has_apt=False, python="/opt/py/bin/python")
    assert "apt-get" not in without_apt
    assert "`/opt/py/bin/python -m playwright install chromium`" in without_apt
    assert display_python(python, REPO) == os.path.join(".venv", "bin", "python")


def test_install_commands_run_noninteractive(monkeypatch):
    monkeypatch.delenv("DEBIAN_FRONTEND", raising=False)
    check = "import os, sys; sys.exit(os.environ.get('DEBIAN_FRONTEND') != 'noninteractive')"

    assert run_command([sys.executable, "-c", check])
    assert not run_command([sys.executable, "-c", "raise SystemExit(3)"])
    assert not run_command(["/nonexistent/apt-get", "update"])


def test_the_command_line(tmp_path):
    """`python tests/chromium.py --install` as the Makefile runs it, with a CHROMIUM_PATH so
    that it finds one and installs nothing; the check without --install never installs."""
    browser = executable(tmp_path / "chrome")
    env = {**os.environ, "CHROMIUM_PATH": str(browser)}
    script = [sys.executable, str(REPO / "tests/chromium.py")]

    done = subprocess.run([*script, "--install"], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (
        0,
        f"Chromium for the browser tests: {browser} (CHROMIUM_PATH)\n",
    )
    env["CHROMIUM_PATH"] = str(tmp_path / "nope")
    done = subprocess.run(script, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "CHROMIUM_PATH=" in done.stderr
    assert subprocess.run([*script, "--bogus"], capture_output=True).returncode == 2
