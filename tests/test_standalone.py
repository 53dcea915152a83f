"""The notebook alone, as uploaded to Kaggle: copied into an empty folder with nothing of the
repository beside it, reading a data folder shaped like /kaggle/input/digit-recognizer/, and run
twice in one kernel, as a JupyterLab user does with "Run All" again."""

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
    monkeypatch.setenv("DIGITS_FILTERS", "8,16,32")  # a small network: this is not about accuracy

    def keep_first_submission(run):
        if run == 0:
            shutil.copy(out / "submission.csv", tmp_path / "first_submission.csv")

    # A failing cell raises CellExecutionError: the second run in the same kernel must not.
    notebook = run_notebook(
        times=2, notebook_path=work / NOTEBOOK.name, cwd=work, after_each=keep_first_submission
    )
    printed = cell_text(notebook)
    assert f"Data: DATA_DIR\n  {data / 'train.csv.gz'}" in printed
    assert "No images of your own in" in printed
    assert not (out / "figures" / "my_digits.png").exists()
    submission = pd.read_csv(out / "submission.csv")
    assert len(submission) == 1000
    # The same seed gives the same predictions when the kernel runs the notebook again.
    pd.testing.assert_frame_equal(submission, pd.read_csv(tmp_path / "first_submission.csv"))
    assert sorted(path.name for path in work.iterdir()) == [NOTEBOOK.name]
