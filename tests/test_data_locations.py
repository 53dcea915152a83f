"""The five data locations are searched in order, and the first holding both CSVs wins."""

from pathlib import Path

import pytest
from notebook import notebook_functions

nb = notebook_functions()


def make_data(folder, train="train.csv", test="test.csv"):
    folder.mkdir(parents=True, exist_ok=True)
    for name in (train, test):
        (folder / name).write_text("placeholder\n")
    return folder


@pytest.fixture
def places(tmp_path):
    """Every location filled: an explicit folder, Kaggle's input folders of now and before, a
    repository's data/ and data/sample/."""
    repo = tmp_path / "repo"
    kaggle_input = tmp_path / "kaggle" / "input"
    return {
        "explicit": make_data(tmp_path / "mine"),
        "kaggle_input": kaggle_input,
        "kaggle": make_data(kaggle_input / "competitions" / "digit-recognizer"),
        "kaggle_before": make_data(kaggle_input / "digit-recognizer"),
        "repo_data": make_data(repo / "data", "train.csv.gz", "test.csv.gz"),
        "sample": make_data(repo / "data" / "sample", "train.csv.gz", "test.csv.gz"),
        "repo": repo,
    }


def found(places, data_dir="", quick=False):
    return nb["locate_data"](
        nb["data_places"](data_dir, places["kaggle_input"], places["repo"], quick)
    )[0]


def remove(folder):
    for file in folder.glob("*.csv*"):
        file.unlink()


def test_each_location_is_found_in_its_turn(places):
    assert found(places, data_dir=places["explicit"]) == places["explicit"]
    assert found(places) == places["kaggle"]
    remove(places["kaggle"])
    assert found(places) == places["kaggle_before"]
    remove(places["kaggle_before"])
    assert found(places) == places["repo_data"]
    remove(places["repo_data"])
    assert found(places) == places["sample"]


def test_quick_mode_uses_the_sample(places):
    assert found(places, quick=True) == places["sample"]


def test_a_folder_with_only_train_is_passed_over(places):
    (places["kaggle"] / "test.csv").unlink()
    assert found(places) == places["kaggle_before"]


def test_csv_and_csv_gz_are_both_found(tmp_path):
    assert nb["find_csv"](make_data(tmp_path / "a"), "train").name == "train.csv"
    assert (
        nb["find_csv"](make_data(tmp_path / "b", "train.csv.gz", "test.csv.gz"), "train").name
        == "train.csv.gz"
    )


def test_explicit_folder_without_data_is_an_error_not_a_fallback(places, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(nb["DigitDataError"], match="DATA_DIR"):
        found(places, data_dir=empty)


def test_no_data_anywhere_lists_every_place_and_how_to_get_the_data(places):
    for name in ("kaggle", "kaggle_before", "repo_data", "sample"):
        remove(places[name])
    with pytest.raises(nb["DigitDataError"]) as error:
        found(places)
    message = str(error.value)
    for name in ("kaggle", "kaggle_before", "repo_data", "sample"):
        assert str(places[name]) in message
    assert "kaggle competitions download -c digit-recognizer" in message


def test_by_default_a_kaggle_notebook_looks_where_kaggle_mounts_the_competition():
    folders = [folder for folder, _ in nb["data_places"]("", nb["KAGGLE_INPUT_DIR"], "repo", False)]
    assert folders[:2] == [
        Path("/kaggle/input/competitions/digit-recognizer"),
        Path("/kaggle/input/digit-recognizer"),
    ]
