"""A result is replaced only by one that passed its checks: when a check fails after the new file
was written, the old submission or model stays as it was and no temporary file is left behind."""

import pandas as pd
import pytest
from notebook import notebook_functions

nb = notebook_functions()
write_atomically = nb["write_atomically"]
GOOD = "ImageId,Label\n1,7\n2,2\n"


def test_a_submission_that_fails_its_check_leaves_the_old_one(tmp_path):
    path = tmp_path / "submission.csv"
    path.write_text(GOOD)
    bad = pd.DataFrame({"ImageId": [1, 2], "Label": [7, 12]})  # a label outside 0-9
    with pytest.raises(ValueError, match="a Label outside 0-9"):
        write_atomically(
            path,
            lambda partial: bad.to_csv(partial, index=False),
            lambda partial: nb["check_submission"](partial, 2),
        )
    assert path.read_text() == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["submission.csv"]


def test_a_submission_that_passes_replaces_the_old_one(tmp_path):
    path = tmp_path / "submission.csv"
    path.write_text(GOOD)
    new = pd.DataFrame({"ImageId": [1, 2], "Label": [1, 3]})
    write_atomically(
        path,
        lambda partial: new.to_csv(partial, index=False),
        lambda partial: nb["check_submission"](partial, 2),
    )
    assert path.read_text() == "ImageId,Label\n1,1\n2,3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["submission.csv"]


def test_a_model_whose_reload_check_fails_leaves_the_old_model(tmp_path):
    keras = nb["keras"]
    path = tmp_path / "digit_recognizer.keras"
    path.write_bytes(b"the good model")
    model = nb["build_model"](1, (4, 4, 4), 0.25, nb["AUGMENTATION"])

    def reload_predicts_other_labels(partial):
        reloaded = keras.models.load_model(partial)  # the new file is complete and loads
        assert reloaded.count_params() == model.count_params()
        raise ValueError(f"{partial}: the reloaded model predicts other labels; it was not saved.")

    with pytest.raises(ValueError, match="it was not saved"):
        write_atomically(path, model.save, reload_predicts_other_labels)
    assert path.read_bytes() == b"the good model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digit_recognizer.keras"]


def test_a_write_that_fails_midway_leaves_nothing_behind(tmp_path):
    path = tmp_path / "submission_probabilities.csv"

    def fail_midway(partial):
        partial.write_text("ImageId,p0\n1,")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, fail_midway)
    assert list(tmp_path.iterdir()) == []
