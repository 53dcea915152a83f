"""Fixtures shared by the test modules."""

import os
from pathlib import Path

import pytest
from notebook import run_notebook


@pytest.fixture(scope="session")
def outputs():
    """The quick run's output folder; nbval's run fills it, else the notebook is run here."""
    folder = Path(os.environ["DIGITS_OUTPUT_DIR"])
    if not (folder / "run_summary.json").exists():
        run_notebook()
    return folder
