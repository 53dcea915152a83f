"""Where the outputs go: OUTPUT_DIR, quick mode's temporary folder, Kaggle's working folder,
or the notebook's folder, each in its turn (a temporary folder stands in for Kaggle's)."""

from notebook import notebook_functions

nb = notebook_functions()
choose = nb["choose_output_dir"]


def test_output_dir_wins_over_everything(tmp_path):
    kaggle = tmp_path / "kaggle_working"
    kaggle.mkdir()
    assert choose(str(tmp_path / "out"), True, kaggle, tmp_path / "repo") == tmp_path / "out"


def test_quick_mode_writes_into_a_new_temporary_folder(tmp_path):
    kaggle = tmp_path / "kaggle_working"
    kaggle.mkdir()
    first, second = choose("", True, kaggle, tmp_path), choose("", True, kaggle, tmp_path)
    assert first.is_dir() and second.is_dir() and first != second
    assert tmp_path not in first.parents


def test_kaggle_working_folder_when_it_exists(tmp_path):
    kaggle = tmp_path / "kaggle_working"
    assert choose("", False, kaggle, tmp_path / "repo") == tmp_path / "repo"
    kaggle.mkdir()
    assert choose("", False, kaggle, tmp_path / "repo") == kaggle


def test_the_default_is_kaggles_folder():
    assert nb["KAGGLE_WORKING_DIR"] == "/kaggle/working"
