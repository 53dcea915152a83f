"""The Kaggle round trip, offline: kernel-metadata.json matches the repository, and both make
targets stop with a clear message, before reaching Kaggle, when the CLI or its token is missing."""

import json
import os
import subprocess
import sys

import pytest
from notebook import REPO

sys.path.insert(0, str(REPO / "scripts"))
import kaggle_round_trip  # noqa: E402

METADATA = json.loads((REPO / "kernel-metadata.json").read_text())


def test_metadata_points_at_the_notebook_and_the_competition_on_a_gpu_offline():
    assert kaggle_round_trip.check_metadata() == []
    assert (REPO / METADATA["code_file"]).is_file()
    assert METADATA["code_file"] == "digit_recognizer.ipynb"
    assert METADATA["kernel_type"] == "notebook"
    assert METADATA["competition_sources"] == ["digit-recognizer"]
    assert METADATA["enable_gpu"] is True
    assert METADATA["enable_internet"] is False


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("code_file", "missing.ipynb", "code_file"),
        ("competition_sources", [], "competition_sources"),
        ("enable_gpu", False, "enable_gpu"),
        ("enable_internet", None, "enable_internet"),
        ("kernel_type", "script", "kernel_type"),
    ],
)
def test_metadata_check_names_each_wrong_field(tmp_path, field, value, problem):
    (tmp_path / "digit_recognizer.ipynb").write_text("{}")
    metadata = {**METADATA, field: value}
    if value is None:
        del metadata[field]
    (tmp_path / "kernel-metadata.json").write_text(json.dumps(metadata))
    problems = kaggle_round_trip.check_metadata(tmp_path / "kernel-metadata.json")
    assert len(problems) == 1 and problem in problems[0]


def test_the_placeholder_id_must_be_replaced(tmp_path):
    path = tmp_path / "kernel-metadata.json"
    assert "your Kaggle username" in kaggle_round_trip.check_id(REPO / "kernel-metadata.json")[0]
    path.write_text(json.dumps({**METADATA, "id": "someone/digit-recognizer-cnn"}))
    assert kaggle_round_trip.check_id(path) == []


def test_push_uses_kaggles_two_t4_gpus_and_submit_names_the_commit():
    push = kaggle_round_trip.commands("push", "kaggle")
    assert push[:3] == ["kaggle", "kernels", "push"]
    assert push[push.index("--accelerator") + 1] == "NvidiaTeslaT4"
    submit = kaggle_round_trip.commands("submit", "kaggle")
    assert submit[submit.index("-c") + 1] == "digit-recognizer"
    assert submit[submit.index("-f") + 1] == str(REPO / "submission.csv")
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert commit and commit in submit[submit.index("-m") + 1]


def test_token_is_found_in_the_environment_or_a_file(tmp_path):
    home = {"HOME": str(tmp_path)}
    with pytest.raises(kaggle_round_trip.KaggleSetupError, match="No Kaggle API token"):
        kaggle_round_trip.check_token(home)
    kaggle_round_trip.check_token({**home, "KAGGLE_API_TOKEN": "x"})
    kaggle_round_trip.check_token({**home, "KAGGLE_USERNAME": "me", "KAGGLE_KEY": "x"})
    (tmp_path / ".kaggle").mkdir()
    (tmp_path / ".kaggle" / "access_token").write_text("x")
    kaggle_round_trip.check_token(home)


def make(target, tmp_path, with_cli, *variables):
    """Run a make target with no Kaggle token, and a stand-in CLI on PATH when with_cli is set."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if with_cli:
        # A stand-in that records being called: the target must stop before it is.
        (bin_dir / "kaggle").write_text(f"#!/bin/sh\ntouch {tmp_path}/called\n")
        (bin_dir / "kaggle").chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith("KAGGLE_")}
    env.update(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / ".config"),
        PATH=f"{bin_dir}:/usr/bin:/bin",
    )
    return subprocess.run(
        ["make", "-s", target, f"KAGGLE_PYTHON={sys.executable}", *variables],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )


def test_submit_without_the_cli_says_how_to_install_it(tmp_path):
    result = make("kaggle-submit", tmp_path, with_cli=False)
    assert result.returncode != 0
    assert "The Kaggle CLI is not installed" in result.stderr
    assert "requirements-kaggle.txt" in result.stderr


def test_submit_without_a_token_stops_before_calling_the_cli(tmp_path):
    result = make("kaggle-submit", tmp_path, with_cli=True)
    assert result.returncode != 0
    assert "No Kaggle API token" in result.stderr
    assert not (tmp_path / "called").exists()


def test_push_stops_on_the_placeholder_id_before_calling_the_cli(tmp_path):
    result = make("kaggle-push", tmp_path, with_cli=True)
    assert result.returncode != 0
    assert "is not yours" in result.stderr
    assert not (tmp_path / "called").exists()


def test_push_without_a_token_stops_before_calling_the_cli(tmp_path):
    result = make("kaggle-push", tmp_path, True, "KERNEL_ID=someone/digit-recognizer-cnn")
    assert result.returncode != 0
    assert "No Kaggle API token" in result.stderr
    assert not (tmp_path / "called").exists()


def test_push_uploads_the_notebook_with_the_given_id(tmp_path):
    folder = tmp_path / "stage"
    folder.mkdir()
    kaggle_round_trip.stage("someone/digits", folder)
    staged = json.loads((folder / "kernel-metadata.json").read_text())
    assert staged == {**METADATA, "id": "someone/digits"}
    assert (folder / "digit_recognizer.ipynb").read_bytes() == (
        REPO / METADATA["code_file"]
    ).read_bytes()
