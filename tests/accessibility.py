"""axe-core in a real page: the accessibility checker injected by Playwright into the page under test.

axe-core is an npm package (package.json, installed into node_modules/ by `npm ci`); its script is read
from disk and added to the page inline, so the page still reaches nothing but the server.
"""
from __future__ import annotations

import pytest

from .conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The impacts axe-core gives that fail a test; moderate and minor ones are reported, not failed
FAILING_IMPACTS = ("serious", "critical")


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it stands: [{id, impact, help, nodes: [{target, ...}]}]."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the checkout (make test does), "
                    "or set CLAIMS_SKIP_BROWSER=1 to skip the browser tests")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def describe(violations: list[dict]) -> str:
    """One line per violation and the first elements it names, for an assertion's message."""
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes'][:3]]}: "
                     f"{v['nodes'][0].get('failureSummary', '')}" for v in violations)
