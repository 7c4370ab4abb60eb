"""What a learner does in JupyterLab, as Playwright steps: open a notebook, run it, read it."""

import json
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

RUN_ALL_TIMEOUT_MS = 120_000

# True once the current notebook's kernel has started and is idle.
KERNEL_IDLE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session?.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""

# True when the current notebook's run is over: no cell queued or running, the kernel idle, and
# either every non-empty code cell has an execution count or a cell stopped the run with an error.
RUN_FINISHED_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return false;
  const kernel = panel.sessionContext.session?.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const prompts = [...panel.node.querySelectorAll('.jp-InputPrompt')];
  if (prompts.some(p => p.textContent.includes('*'))) return false;
  const cells = [...panel.content.model.cells].filter(c => c.type === 'code');
  const pending = cells.filter(c => c.sharedModel.getSource().trim() && c.executionCount === null);
  const errored = cells.some(c => [...Array(c.outputs.length).keys()]
    .some(i => c.outputs.get(i).type === 'error'));
  return pending.length === 0 || errored;
}"""

# Every output of the current notebook, in cell order, in nbformat shape plus the cell's tags.
OUTPUTS_JS = """() => {
  const cells = [...window.jupyterapp.shell.currentWidget.content.model.cells];
  return cells.filter(c => c.type === 'code').flatMap((c, index) =>
    c.outputs.toJSON().map(o => ({...o, cell: index, tags: c.getMetadata('tags') || []})));
}"""


@dataclass(frozen=True)
class JupyterLabServer:
    """A running JupyterLab: where it is, how to log in, and the `.env` its forms write."""

    url: str
    token: str
    env_path: Path
    root: Path

    def api(self, method: str, path: str) -> object:
        """Call the Jupyter REST API; the decoded JSON answer (None when empty)."""
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_sessions(self) -> None:
        """Shut down every notebook's kernel, as File > Shut Down All Kernels would."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")


class JupyterLabUI:
    """One browser tab on JupyterLab, with the steps a learner takes."""

    def __init__(self, page: Page, server: JupyterLabServer, artifacts: Path):
        self.page = page
        self.server = server
        self.artifacts = artifacts

    @property
    def notebook(self) -> Locator:
        """The notebook open in the main area."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")

    @property
    def outputs(self) -> Locator:
        """Every rendered output of the open notebook."""
        return self.notebook.locator(".jp-OutputArea-output")

    def open(self, path: str) -> None:
        """Open `path` (relative to the repo) in a fresh workspace and wait for an idle kernel."""
        self.page.goto(f"{self.server.url}/lab/tree/{path}?reset&token={self.server.token}")
        expect(self.notebook).to_be_visible()
        self.page.wait_for_function(KERNEL_IDLE_JS)

    def menu(self, menu: str, item: str) -> None:
        """Click `item` in the menu bar's `menu`, like a learner does."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
        label = re.compile(f"^{re.escape(item)}$")
        self.page.locator(".lm-Menu-itemLabel", has_text=label).click()

    def clear_and_run_all(self) -> None:
        """Edit > Clear Outputs of All Cells, then Run > Run All Cells; wait until the run ends."""
        self.menu("Edit", "Clear Outputs of All Cells")
        expect(self.outputs).to_have_count(0)
        self.menu("Run", "Run All Cells")
        self.page.wait_for_function(RUN_FINISHED_JS, timeout=RUN_ALL_TIMEOUT_MS)

    def output_records(self) -> list[dict]:
        """The open notebook's outputs as nbformat dicts, each with its `cell` index and `tags`."""
        return self.page.evaluate(OUTPUTS_JS)

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

    def screenshot(self, name: str, target: Locator | None = None) -> Path:
        """Save a PNG of the page (or of `target`) under the artifacts directory."""
        path = self.artifacts / f"{name}.png"
        (target or self.page).screenshot(path=path)
        return path
