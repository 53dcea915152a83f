"""The benchmark's training of an ensemble in parts (--first-member, --keep-models, --combine)
and --split-seed."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
sys.path.insert(0, str(REPO / "benchmarks"))
import bench  # noqa: E402


@pytest.fixture
def tiny_runs(monkeypatch):
    monkeypatch.setenv("DIGITS_QUICK", "1")  # bench removes it; monkeypatch puts it back afterwards
    monkeypatch.setenv("DIGITS_ENSEMBLE_SIZE", "1")
    monkeypatch.setenv("DIGITS_EPOCHS", "1")
    monkeypatch.setenv("DIGITS_FILTERS", "4,4,4")


def test_a_part_of_an_ensemble_keeps_its_models_under_their_numbers_and_combines(
    tiny_runs, tmp_path, capsys
):
    row = bench.run_one("ensemble", SAMPLE, 1, keep_models=tmp_path, first_member=1)
    assert row["contender"] == (
        "ensemble of 1, test-time augmentation (4/4/4 filters, up to 1 epochs each, "
        "models 2 to 2 of a larger ensemble)"
    )
    assert row["epochs"] == 1
    # On a CPU, as the notebook (and conftest.py) set TensorFlow up: its oneDNN and its
    # deterministic kernels.
    assert row["backend"] == "tensorflow, oneDNN, deterministic"
    assert [path.name for path in tmp_path.iterdir()] == ["ensemble_2.keras"]
    bench.combine(tmp_path, SAMPLE)
    printed = capsys.readouterr().out
    # The kept model, loaded again, is the one the row measured: the same validation accuracy.
    assert (
        f"1 kept models (ensemble_2), test-time augmentation: {row['validation accuracy']}"
        in printed
    )


def test_a_part_of_one_model_trains_it_for_the_ensemble_modes_epochs(monkeypatch):
    monkeypatch.setenv(
        "DIGITS_QUICK", "1"
    )  # bench removes them; monkeypatch puts them back afterwards
    monkeypatch.setenv("DIGITS_ENSEMBLE_SIZE", "1")
    monkeypatch.setenv("DIGITS_FILTERS", "4,4,4")
    load_split, epochs_asked = bench.load_split, []

    def load_split_training_nothing(*args):
        nb, split = load_split(*args)

        def train_member(member, train_data, val_data, folder, epochs, recipe):
            epochs_asked.append(epochs)
            model = nb["build_model"](
                member, recipe["filters"], recipe["dropout"], recipe["augmentation"]
            )
            return model, pd.DataFrame({"seconds": [1.0], "val_accuracy": [0.5]})

        nb["train_member"] = train_member
        return nb, split

    monkeypatch.setattr(bench, "load_split", load_split_training_nothing)
    row = bench.run_one("ensemble", SAMPLE, 1, first_member=2)
    assert epochs_asked == [30]
    assert row["contender"].startswith(
        "ensemble of 1, test-time augmentation (4/4/4 filters, up to 30 epochs each"
    )
    bench.run_one("default", SAMPLE, 1)
    assert epochs_asked == [30, 15]


def test_combine_without_kept_models_says_how_to_keep_some(tmp_path):
    with pytest.raises(
        SystemExit, match=f"no ensemble_<member>.keras in {tmp_path}; .*--keep-models {tmp_path}"
    ):
        bench.combine(tmp_path, SAMPLE)


def test_a_negative_first_member_is_refused_before_anything_runs():
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py"), "--first-member", "-1"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "--first-member must be 0 or more, not -1" in result.stderr


def test_another_split_seed_draws_another_validation_split_of_the_same_size_and_says_so(tiny_runs):
    _, notebooks_split = bench.load_split(SAMPLE, 1)
    _, split_2 = bench.load_split(SAMPLE, 1, 2)
    _, split_3 = bench.load_split(SAMPLE, 1, 3)
    # The notebook's own split is split 2 (its SEED), as RESULTS.md says.
    assert all((ours == theirs).all() for ours, theirs in zip(notebooks_split, split_2))
    assert len(split_3[3]) == len(notebooks_split[3])
    assert not (split_3[1] == notebooks_split[1]).all()
    row = bench.run_one("default", SAMPLE, 1, split_seed=3)
    assert row["contender"] == (
        "notebook default (4/4/4 filters, dropout 0.25, up to 1 epochs each), on split 3"
    )


def test_a_negative_split_seed_is_refused_before_anything_runs():
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py"), "--split-seed", "-3"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "--split-seed must be from 0 to 4294967295 (a random_state), not -3" in result.stderr


@pytest.mark.parametrize(
    "setting, backend", [("0", "tensorflow, no oneDNN"), ("1", "tensorflow, oneDNN")]
)
def test_a_cpu_row_says_whether_tensorflows_onednn_kernels_ran(setting, backend):
    probe = "import bench, keras; print(bench.backend_name(keras, []))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO / "benchmarks",
        capture_output=True,
        text=True,
        env={
            "TF_ENABLE_ONEDNN_OPTS": setting,
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PATH": "/usr/bin:/bin",
        },
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == backend


@pytest.mark.parametrize("contender", ["default", "seed"])
def test_every_contender_trains_on_the_notebooks_deterministic_kernels(contender):
    # The notebook's set-up cell turns TensorFlow's deterministic kernels on, on a CPU; they round
    # differently, so
    # without them the benchmark's default would train another network from the same seed than the
    # notebook does.
    # A fresh process, since the setting outlives a test.
    probe = (
        "import bench, seed_recipe; train = seed_recipe.train_seed_recipe; "
        "seed_recipe.train_seed_recipe = lambda *args, **kwargs: train(*args, **kwargs, epochs=1); "
        f"print('ROW', bench.run_one({contender!r}, bench.REPO / 'data' / 'sample', 1))"
    )
    env = {
        "DIGITS_QUICK": "1",
        "DIGITS_EPOCHS": "1",
        "DIGITS_FILTERS": "4,4,4",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        # This probe imports TensorFlow before the notebook could switch oneDNN on.
        "TF_ENABLE_ONEDNN_OPTS": "1",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO / "benchmarks",
        capture_output=True,
        text=True,
        env=env,
    )
    row = next((line for line in result.stdout.splitlines() if line.startswith("ROW ")), None)
    assert row is not None, result.stderr[-2000:]
    assert "'backend': 'tensorflow, oneDNN, deterministic'" in row


@pytest.mark.parametrize(
    ("flags", "suffix"), [("fpu avx2 avx512f avx512bw", " (AVX-512)"), ("fpu avx2 fma", "")]
)
def test_the_machine_column_says_whether_the_processor_has_avx512(
    tmp_path, monkeypatch, flags, suffix
):
    # Two machines both called "AMD EPYC" differed in it, and TensorFlow's kernels with them.
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        f"processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: {flags}\n\n"
        f"processor\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: {flags}\n"
    )
    monkeypatch.setattr(bench.os, "cpu_count", lambda: 2)
    assert bench.machine(cpuinfo) == f"AMD EPYC{suffix}, 2 cores"
