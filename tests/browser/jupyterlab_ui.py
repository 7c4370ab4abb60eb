"""What a learner does in JupyterLab, as Playwright steps: open a notebook, run it, read it.

Clicks go through the UI (menus, widgets). What the UI shows only as pixels, like "is this
output an exception", is read from the notebook model through `window.jupyterapp` (the server
runs with `expose_app_in_browser`).
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from .services import JupyterLabServer

RUN_ALL_TIMEOUT_MS = 120_000
KERNEL_START_TIMEOUT_MS = 60_000  # a kernel start is the slowest step on a loaded machine
NOT_THIS_MACHINE = re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])")
CONTENTS_API = re.compile(r"/api/contents/")

# The notebook panel whose id is in the JS variable `id`.
PANEL = "[...window.jupyterapp.shell.widgets('main')].find(w => w.id === id)"

# True for a code cell with source that has not been executed (JS, the cell is `c`).
NOT_EXECUTED = "c.type === 'code' && c.sharedModel.getSource().trim() && c.executionCount === null"

# True once the notebook's kernel has started and is idle.
KERNEL_IDLE_JS = f"""id => {{
  const kernel = {PANEL}?.sessionContext.session?.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}}"""

# True when the notebook's run is over: nothing queued or running, the kernel idle, and either
# every non-empty code cell has an execution count or an exception stopped the run (one in a
# cell tagged raises-exception does not: the run goes on, a cell at a time).
RUN_FINISHED_JS = f"""id => {{
  const panel = {PANEL};
  if (panel.sessionContext.session?.kernel?.status !== 'idle') return false;
  if ([...panel.node.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*')))
    return false;
  const cells = [...panel.content.model.cells];
  const stopped = cells.some(c => c.type === 'code'
    && !(c.getMetadata('tags') || []).includes('raises-exception')
    && c.outputs.toJSON().some(o => o.output_type === 'error'));
  return !cells.some(c => {NOT_EXECUTED}) || stopped;
}}"""

# Every output of the notebook in nbformat shape, with the index of its cell and the cell's tags.
OUTPUTS_JS = f"""id => [...{PANEL}.content.model.cells].flatMap((c, index) =>
  c.type !== 'code' ? [] : c.outputs.toJSON().map(o =>
    ({{...o, cell: index, tags: c.getMetadata('tags') || []}})))"""

OPEN_JS = """async path => {
  const widget = await window.jupyterapp.commands.execute('docmanager:open', {path});
  await widget.context.ready;
  return widget.id;
}"""

# Close every document without saving (autosave is off too): the committed notebooks stay as
# they are whatever the tests ran or typed.
CLOSE_ALL_JS = """() => {
  for (const widget of [...window.jupyterapp.shell.widgets('main')]) {
    if (widget.context) widget.context.model.dirty = false;
    widget.close();
  }
}"""


class Notebook:
    """One open notebook tab."""

    def __init__(self, lab: "JupyterLabUI", path: str, panel_id: str):
        self.lab = lab
        self.page = lab.page
        self.path = path
        self.id = panel_id

    @property
    def name(self) -> str:
        return Path(self.path).stem

    @property
    def node(self) -> Locator:
        """The notebook panel (toolbar and cells)."""
        return self.page.locator(f"[id='{self.id}']")

    @property
    def outputs(self) -> Locator:
        """Every rendered output."""
        return self.node.locator(".jp-OutputArea-output")

    def output_of(self, source: str) -> Locator:
        """The output area of the first code cell whose source contains `source`."""
        cell = self.node.locator(".jp-CodeCell").filter(
            has=self.page.locator(".jp-InputArea", has_text=source)
        )
        return cell.first.locator(".jp-OutputArea")

    def form(self, css_class: str) -> Locator:
        """The form drawn with `css_class` (the forms' stable hooks: `tutorial-sms-form`,
        `tutorial-mms-form`, `tutorial-env-form`, set in helpers/forms)."""
        return self.node.locator(f".{css_class}")

    def activate(self) -> None:
        """Bring this tab to the front, so menus act on it."""
        tab = self.page.locator(f".lm-DockPanel-tabBar .lm-TabBar-tab[data-id='{self.id}']")
        tab.click()
        expect(tab).to_have_class(re.compile(r"\blm-mod-current\b"))

    def wait_for_idle_kernel(self) -> None:
        self.page.wait_for_function(KERNEL_IDLE_JS, arg=self.id, timeout=KERNEL_START_TIMEOUT_MS)

    def clear_and_run_all(self) -> None:
        """Edit > Clear Outputs of All Cells, then Run > Run All Cells; wait until the run ends."""
        self.activate()
        self.lab.menu("Edit", "Clear Outputs of All Cells")
        expect(self.outputs).to_have_count(0)
        self.lab.menu("Run", "Run All Cells")
        self.page.wait_for_function(RUN_FINISHED_JS, arg=self.id, timeout=RUN_ALL_TIMEOUT_MS)

    def output_records(self) -> list[dict]:
        """The outputs as nbformat dicts, each with its `cell` index and `tags`."""
        return self.page.evaluate(OUTPUTS_JS, self.id)

    def errors(self) -> list[str]:
        """Errors a learner would see: exceptions (unless the cell is tagged raises-exception)
        and tracebacks written to stderr."""
        found = []
        for output in self.output_records():
            if output["output_type"] == "error" and "raises-exception" not in output["tags"]:
                found.append(f"cell {output['cell']}: {output['ename']}: {output['evalue']}")
            text = "".join(output.get("text", ""))
            if output.get("name") == "stderr" and "Traceback" in text:
                found.append(f"cell {output['cell']}: stderr: {text[-500:]}")
        return found

    def windowing_mode(self) -> str:
        """How JupyterLab attaches this notebook's cells to the page ('none': all of them)."""
        return self.page.evaluate(f"id => {PANEL}.content.notebookConfig.windowingMode", self.id)

    def unexecuted_cells(self) -> list[int]:
        """Indexes of non-empty code cells without an execution count."""
        return self.page.evaluate(
            f"id => [...{PANEL}.content.model.cells].flatMap((c, i) => {NOT_EXECUTED} ? [i] : [])",
            self.id,
        )

    def screenshot(
        self, name: str, target: Locator | None = None, max_height: int | None = None
    ) -> Path:
        return self.lab.screenshot(f"{self.name}-{name}", target, max_height)


class JupyterLabUI:
    """One browser tab on JupyterLab, with the steps a learner takes.

    Notebooks stay open once run (`run` returns the same tab again), so form tests reuse the
    run of the notebook tests instead of paying for a second kernel and Run All."""

    def __init__(self, page: Page, server: JupyterLabServer, artifacts: Path):
        self.page = page
        self.server = server
        self.artifacts = artifacts
        self.runs: dict[str, Notebook] = {}
        self.external_requests: list[str] = []
        self.refused_writes: list[str] = []
        page.context.route(NOT_THIS_MACHINE, self._refuse_external)
        page.context.route(CONTENTS_API, self._refuse_writes)

    def _refuse_external(self, route) -> None:
        """Offline means offline: record and abort any request that would leave the machine."""
        self.external_requests.append(route.request.url)
        route.abort()

    def _refuse_writes(self, route) -> None:
        """The repo is the learner's: record and abort any save, rename or delete of a file.
        (Opening a notebook copies it to .ipynb_checkpoints/, git-ignored: that may pass.)"""
        request = route.request
        if request.method == "GET" or (
            request.method == "POST" and urlsplit(request.url).path.endswith("/checkpoints")
        ):
            route.continue_()
        else:
            self.refused_writes.append(f"{request.method} {request.url}")
            route.abort()

    def start(self) -> None:
        """Load JupyterLab with a fresh workspace (no tabs restored)."""
        self.runs.clear()
        self.page.goto(f"{self.server.url}/lab?reset&token={self.server.token}")
        self.page.wait_for_function("() => window.jupyterapp?.shell?.isAttached")
        expect(self.page.locator(".lm-MenuBar-itemLabel", has_text="Run")).to_be_visible()

    def open(self, path: str) -> Notebook:
        """Open `path` (relative to the repo) in a new tab and wait for its kernel to be idle."""
        notebook = Notebook(self, path, self.page.evaluate(OPEN_JS, path))
        expect(notebook.node.locator(".jp-Notebook")).to_be_visible()
        notebook.wait_for_idle_kernel()
        return notebook

    def run(self, path: str) -> Notebook:
        """`path` opened and run from a clean slate, once; later calls bring its tab forward."""
        if path in self.runs:
            self.runs[path].activate()
            return self.runs[path]
        notebook = self.open(path)
        notebook.clear_and_run_all()
        self.runs[path] = notebook
        return notebook

    def close_all(self) -> None:
        """Close every tab without saving and shut down the kernels."""
        self.page.evaluate(CLOSE_ALL_JS)
        expect(self.page.locator(".jp-NotebookPanel")).to_have_count(0)
        self.server.shut_down_sessions()
        self.runs.clear()

    def menu(self, menu: str, item: str) -> None:
        """Click `item` in the menu bar's `menu`, like a learner does."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
        label = re.compile(f"^{re.escape(item)}$")
        self.page.locator(".lm-Menu-itemLabel", has_text=label).click()

    def screenshot(
        self, name: str, target: Locator | None = None, max_height: int | None = None
    ) -> Path:
        """Save a PNG of the page, or of `target` (its top `max_height` pixels if given)."""
        path = self.artifacts / f"{name}.png"
        self.page.mouse.move(0, 0)  # no hover effects in the picture
        if target is None:
            self.page.screenshot(path=path)
        elif max_height is None:
            target.screenshot(path=path)
        else:
            target.scroll_into_view_if_needed()
            box = target.bounding_box()
            box["height"] = min(box["height"], max_height)
            self.page.screenshot(path=path, clip=box)
        return path
