"""axe-core in the browser tests: installed from npm by `make test` (package-lock.json), never
from a CDN. ``assert_accessible`` injects it into the page on screen and fails on any
violation, naming the rule and the elements."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


# What axe leaves alone: every id a label or ARIA attribute names exists, each <time> has a valid
# HTML datetime (at most milliseconds, an optional offset), and the page has exactly one <h1>.
_OWN = r"""() => {
  const found = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby], label[for]")) {
    const ids = ((el.getAttribute("aria-describedby") || "") + " " +
                 (el.getAttribute("aria-labelledby") || "") + " " +
                 (el.getAttribute("for") || "")).split(/\s+/).filter(Boolean);
    for (const id of ids) {
      if (!document.getElementById(id)) found.push({id: "missing-id", impact: "serious",
        help: "a label or ARIA attribute names an id that does not exist", nodes: [id]});
    }
  }
  const valid = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  for (const t of document.querySelectorAll("time[datetime]")) {
    if (!valid.test(t.getAttribute("datetime"))) found.push({id: "datetime", impact: "serious",
      help: "a <time> element has an invalid datetime", nodes: [t.getAttribute("datetime")]});
  }
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) found.push({id: "one-h1", impact: "moderate",
    help: "a page has exactly one <h1>", nodes: [String(h1)]});
  return found;
}"""


def violations(page) -> list[dict]:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: `make test` installs it (npm ci)")
    # A click that submits a form returns once the navigation commits, not once the new page is
    # parsed: on a loaded machine the check could otherwise see a half-built page (no <h1> yet).
    page.wait_for_load_state("load")
    own = page.evaluate(_OWN)
    page.add_script_tag(path=str(AXE))
    return own + page.evaluate(_RUN)


def assert_accessible(page, where: str) -> None:
    found = violations(page)
    assert not found, f"{where} ({page.url}): " + "\n".join(
        f"{v['id']} [{v['impact']}] {v['help']}: {v['nodes']}" for v in found
    )
