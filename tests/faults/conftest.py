"""The fault suite's stack (its own PostgreSQL, Kafka and services: scenarios kill them, so
they share nothing with the rest of the tests) and its report.

`make faults` sets QRSTACK_FAULTS=1 and runs every scenario; without it (`make test`) only the
scenarios named `smoke` run and the others are skipped with the command that runs them."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from faults.checker import table
from faults.harness import RESULTS
from faults.stack import FaultStack


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("QRSTACK_FAULTS") == "1":
        return
    skip = pytest.mark.skip(reason="the full fault suite runs with `make faults`")
    for item in items:
        if item.get_closest_marker("faults") and "smoke" not in item.name:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def fault_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="qrstack-faults-"))
    root.chmod(0o755)  # PostgreSQL's own user must reach its data directory
    yield root
    if not os.environ.get("QRSTACK_KEEP_TEST_DATA"):
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
async def fault_stack(fault_root: Path) -> AsyncIterator[FaultStack]:
    stack = FaultStack(fault_root)
    await stack.start()
    yield stack
    await stack.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RESULTS:
        terminalreporter.write_sep("=", "fault scenarios")
        terminalreporter.write_line(table(RESULTS))
