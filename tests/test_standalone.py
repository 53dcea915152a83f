"""The notebook alone, as uploaded to Kaggle: copied into an empty folder with nothing of the
repository beside it, reading a data folder shaped like /kaggle/input/digit-recognizer/."""

import shutil

import pandas as pd
from notebook import NOTEBOOK, REPO, cell_text, run_notebook


def test_notebook_runs_without_the_repository(tmp_path, monkeypatch):
    work, data, out = tmp_path / "work", tmp_path / "input" / "digit-recognizer", tmp_path / "out"
    work.mkdir()
    data.mkdir(parents=True)
    shutil.copy(NOTEBOOK, work)
    for name in ("train.csv.gz", "test.csv.gz"):
        shutil.copy(REPO / "data" / "sample" / name, data)
    monkeypatch.setenv("DIGITS_DATA_DIR", str(data))
    monkeypatch.setenv("DIGITS_OUTPUT_DIR", str(out))
    monkeypatch.setenv("DIGITS_EPOCHS", "1")
    notebook = run_notebook(notebook_path=work / NOTEBOOK.name, cwd=work)
    printed = cell_text(notebook)
    assert f"Data: DATA_DIR\n  {data / 'train.csv.gz'}" in printed
    assert "No images of your own in" in printed
    assert not (out / "figures" / "my_digits.png").exists()
    assert len(pd.read_csv(out / "submission.csv")) == 1000
    assert sorted(path.name for path in work.iterdir()) == [NOTEBOOK.name]
