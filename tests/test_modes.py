"""The notebook's other modes end to end, in quick mode: retraining on all labelled digits without
the probabilities file, and parameters injected by papermill."""

import json
import subprocess
import sys

import pandas as pd
from notebook import NOTEBOOK, REPO, cell_text, run_notebook


def test_retrain_on_all_without_probabilities(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("DIGITS_EPOCHS", "1")
    monkeypatch.setenv("DIGITS_RETRAIN_ON_ALL", "1")
    monkeypatch.setenv("DIGITS_WRITE_PROBABILITIES", "0")
    printed = cell_text(run_notebook())
    assert "Retraining 1 model(s) on all 5,000 labelled digits" in printed
    summary = json.loads((tmp_path / "run_summary.json").read_text())
    assert summary["retrained_on_all"] is True
    # The retrained model saw all 5,000 digits and had no validation data.
    log = pd.read_csv(tmp_path / "training" / "all_digits_1" / "training_log.csv")
    assert len(log) == 1
    assert "val_loss" not in log.columns or log["val_loss"].isna().all()
    assert summary["training_seconds"] >= log["seconds"].iloc[-1]
    assert len(pd.read_csv(tmp_path / "submission.csv")) == 1000
    assert not (tmp_path / "submission_probabilities.csv").exists()


def test_papermill_parameters_reach_the_run(tmp_path):
    output = tmp_path / "executed.ipynb"
    command = [
        sys.executable,
        "-m",
        "papermill",
        str(NOTEBOOK),
        str(output),
        "-p",
        "OUTPUT_DIR",
        str(tmp_path),
        "-p",
        "EPOCHS",
        "1",
        "-p",
        "SEED",
        "5",
        "--cwd",
        str(REPO),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "run_summary.json").read_text())
    assert summary["epochs"] == 1
    import nbformat

    printed = cell_text(nbformat.read(output, as_version=4))
    assert "seed 5" in printed
    assert len(pd.read_csv(tmp_path / "submission.csv")) == 1000
