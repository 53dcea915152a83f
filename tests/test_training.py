"""Interrupted training resumes and keeps its best epoch; the same seed gives the same
predictions, whatever was drawn before; a bad file stops the notebook before training and leaves
the old submission alone."""

import re

import keras
import numpy as np
import pandas as pd
import pytest
from nbclient.exceptions import CellExecutionError
from notebook import notebook_functions, run_notebook

nb = notebook_functions()


class InterruptAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise KeyboardInterrupt


def tiny_training_set():
    rng = np.random.default_rng(0)
    images = rng.random((120, 28, 28, 1), dtype="float32")
    labels = keras.utils.to_categorical(np.arange(120) % 10, 10)
    return (images[:100], labels[:100]), (images[100:], labels[100:])


RECIPE = nb["RECIPE"]


def compiled_model():
    return nb["build_member"](0, {**RECIPE, "seed": 1})


def fit(model, train_data, val_data, folder, epochs, peak=0.003, **options):
    def schedule(epoch):
        return nb["learning_rate"](epoch, epochs, peak, 1)

    return nb["train"](
        model,
        train_data,
        val_data,
        folder,
        epochs=epochs,
        batch_size=50,
        patience=5,
        schedule=schedule,
        **options,
    )


def interrupted_run(folder):
    train_data, val_data = tiny_training_set()
    with pytest.raises(KeyboardInterrupt):
        fit(
            compiled_model(),
            train_data,
            val_data,
            folder,
            3,
            extra_callbacks=[InterruptAfterFirstEpoch()],
        )
    assert (folder / "backup" / "training_metadata.json").is_file()
    return train_data, val_data


def test_interrupted_training_resumes_from_its_last_finished_epoch(tmp_path, capsys):
    train_data, val_data = interrupted_run(tmp_path)
    capsys.readouterr()

    history = fit(compiled_model(), train_data, val_data, tmp_path, 3)
    output = capsys.readouterr().out
    assert "Resuming the interrupted run after epoch 1" in output
    assert "Epoch 1/3" not in output and "Epoch 2/3" in output
    assert history["epoch"].tolist() == [0, 1, 2]
    assert history["seconds"].is_monotonic_increasing
    assert not (tmp_path / "backup").exists()


def test_a_resumed_run_keeps_the_best_epoch_also_when_it_came_before_the_interruption(
    tmp_path, monkeypatch
):
    train_data, val_data = interrupted_run(tmp_path)
    # A learning rate far too high makes the epochs after the resume worse than the one before it.
    model = compiled_model()
    history = fit(model, train_data, val_data, tmp_path, 3, peak=1.0)
    assert history["val_loss"].idxmin() == 0
    np.testing.assert_allclose(
        model.evaluate(*val_data, verbose=0)[0], history["val_loss"].min(), rtol=1e-5
    )


def test_a_backup_made_with_other_settings_is_discarded(tmp_path, capsys):
    train_data, val_data = interrupted_run(tmp_path)
    capsys.readouterr()
    history = fit(compiled_model(), train_data, val_data, tmp_path, 2)
    output = capsys.readouterr().out
    assert "Discarding the backup" in output and "Resuming" not in output
    assert history["epoch"].tolist() == [0, 1]


def test_a_model_depends_on_its_seed_alone_not_on_random_numbers_drawn_before(tmp_path):
    train_data, val_data = tiny_training_set()

    def trained_weights(member, folder):
        model, _ = nb["train_member"](member, train_data, val_data, tmp_path / folder, 1, RECIPE)
        return np.concatenate([np.ravel(weights) for weights in model.get_weights()])

    first = trained_weights(0, "first")
    np.random.random(10)
    keras.random.uniform((10,))  # as the cells before training draw (augmentation preview, summary)
    again = trained_weights(0, "again")
    other_member = trained_weights(1, "other")
    np.testing.assert_allclose(again, first, atol=1e-6)
    assert np.abs(other_member - first).max() > 1e-2


def test_bad_file_stops_the_notebook_before_training_and_keeps_the_old_submission(
    tmp_path, monkeypatch
):
    data_dir, output_dir = tmp_path / "data", tmp_path / "out"
    data_dir.mkdir()
    output_dir.mkdir()
    (data_dir / "train.csv").write_text(
        "label,"
        + ",".join(f"pixel{i}" for i in range(784))
        + "\n"
        + "3,"
        + ",".join(["0"] * 783)
        + ",300\n"
    )
    (data_dir / "test.csv").write_text(
        ",".join(f"pixel{i}" for i in range(784)) + "\n" + ",".join(["0"] * 784) + "\n"
    )
    (output_dir / "submission.csv").write_text("ImageId,Label\n1,7\n")
    monkeypatch.setenv("DIGITS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DIGITS_OUTPUT_DIR", str(output_dir))
    with pytest.raises(CellExecutionError) as error:
        run_notebook()
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(error.value))  # the kernel colours its tracebacks
    assert (
        f"DigitDataError: {data_dir / 'train.csv'}: data row 1 (line 2 of the file), "
        "column `pixel783` "
        "holds the pixel value 300, outside 0-255" in message
    )
    assert (output_dir / "submission.csv").read_text() == "ImageId,Label\n1,7\n"
    assert sorted(path.name for path in output_dir.iterdir()) == ["figures", "submission.csv"]
    assert not any((output_dir / "figures").iterdir())


def fingerprint_of(monkeypatch, recipe, train_data):
    """The fingerprint fit_member gives train() for its backup."""
    seen = {}

    def record(model, *args, **options):
        seen["fingerprint"] = args[7]
        return pd.DataFrame()

    monkeypatch.setitem(nb, "train", record)
    nb["fit_member"](None, 0, train_data, None, "unused", 1, recipe)
    return seen["fingerprint"]


@pytest.mark.parametrize("setting", sorted(RECIPE))
def test_the_backup_fingerprint_changes_with_every_training_setting(monkeypatch, setting):
    train_data, _ = tiny_training_set()
    value = RECIPE[setting]
    other = (
        tuple(width + 1 for width in value)
        if isinstance(value, tuple)
        else value + (1 if isinstance(value, int) else 0.05)
    )
    assert fingerprint_of(monkeypatch, {**RECIPE, setting: other}, train_data) != fingerprint_of(
        monkeypatch, RECIPE, train_data
    )


def test_the_backup_fingerprint_changes_with_the_data(monkeypatch):
    (images, labels), _ = tiny_training_set()
    other_images = images.copy()
    other_images[0, 0, 0, 0] += 0.5
    assert fingerprint_of(monkeypatch, RECIPE, (other_images, labels)) != fingerprint_of(
        monkeypatch, RECIPE, (images, labels)
    )


def test_a_backup_with_another_fingerprint_is_discarded_and_an_equal_one_kept(tmp_path, capsys):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "training_metadata.json").write_text('{"epoch": 1}')
    (backup / "settings.json").write_text('{"dropout": 0.25}')
    nb["resume_from"](tmp_path, {"dropout": 0.25})
    assert "Resuming the interrupted run after epoch 1" in capsys.readouterr().out
    nb["resume_from"](tmp_path, {"dropout": 0.4})
    assert "Discarding the backup" in capsys.readouterr().out
    assert not (backup / "training_metadata.json").exists()
