"""The official MCP tools against the running server: the inspector CLI (tools/list with its
--strict schema checks, and a tools/call) and the conformance suite's applicable server
scenarios, through scripts/mcp_conformance.sh (which installs Node 22 and the tools into
var/node when missing: a failed install fails the test)."""

import os
import re
import subprocess

import pytest

from tests.fixtures.mcp import REPO_ROOT

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = REPO_ROOT / "scripts" / "mcp_conformance.sh"
SCENARIOS = [
    "server-initialize",
    "ping",
    "tools-list",
    "resources-list",
    "prompts-list",
    "dns-rebinding-protection",
]


@pytest.fixture(scope="module")
def node_tools() -> None:
    subprocess.run(["bash", str(SCRIPT), "install"], cwd=REPO_ROOT, check=True, timeout=600)  # noqa: S607


def test_inspector_and_conformance_pass(node_tools, mcp_server, merchant, api_key_for):
    env = {**os.environ, "MCP_TOKEN": api_key_for(merchant)}

    result = subprocess.run(
        ["bash", str(SCRIPT), "run", mcp_server.url],  # noqa: S607
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "inspector --cli tools/list --strict" in output
    assert "inspector --cli tools/call get_balance" in output
    assert "Warning:" not in output, output  # --strict found no portability problem
    ran = re.findall(r"Running client scenario '([a-z0-9-]+)'", output)
    assert ran == SCENARIOS
    passed = re.findall(r"Passed: (\d+)/(\d+), 0 failed, 0 warnings", output)
    assert len(passed) == len(SCENARIOS)
    assert all(done == total for done, total in passed)
