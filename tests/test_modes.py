"""The notebook's other modes end to end, in one quick papermill run: parameters injected with
`-p`, retraining on all labelled digits, and no probabilities file."""

import json
import os
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from notebook import NOTEBOOK, REPO, cell_text


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The output folder and the executed notebook of one papermill run with -p values."""
    folder = tmp_path_factory.mktemp("modes")
    output = folder / "executed.ipynb"
    parameters = {
        "OUTPUT_DIR": str(folder),
        "EPOCHS": "1",
        "SEED": "5",
        "RETRAIN_ON_ALL": "True",
        "WRITE_PROBABILITIES": "False",
    }
    command = [sys.executable, "-m", "papermill", str(NOTEBOOK), str(output), "--cwd", str(REPO)]
    for name, value in parameters.items():
        command += ["-p", name, value]
    # A small network (this is not about accuracy), set the other way, from the environment.
    env = {**os.environ, "DIGITS_FILTERS": "8,16,32"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder, cell_text(nbformat.read(output, as_version=4))


def test_papermill_parameters_reach_the_run(run):
    folder, printed = run
    summary = json.loads((folder / "run_summary.json").read_text())
    assert summary["epochs"] == 1
    assert "seed 5" in printed
    assert "Mode: the fast default, one model of up to 1 epoch; chosen because there is no GPU" in (
        printed
    )
    assert len(pd.read_csv(folder / "submission.csv")) == 1000


def test_retrain_on_all_without_probabilities(run):
    folder, printed = run
    assert "Retraining 1 model(s) on all 5,000 labelled digits" in printed
    summary = json.loads((folder / "run_summary.json").read_text())
    assert summary["retrained_on_all"] is True
    # The retrained model saw all 5,000 digits and had no validation data.
    log = pd.read_csv(folder / "training" / "all_digits_1" / "training_log.csv")
    assert len(log) == 1
    assert "val_loss" not in log.columns or log["val_loss"].isna().all()
    assert summary["training_seconds"] >= log["seconds"].iloc[-1]
    assert not (folder / "submission_probabilities.csv").exists()
