"""Bad CSVs stop with one clear DigitDataError naming the file, the place and the fix;
harmless variants load exactly like the plain file. Each file goes through the notebook's own
read_digits."""

import gzip

import numpy as np
import pytest
from notebook import notebook_functions

nb = notebook_functions()
read_digits, DigitDataError = nb["read_digits"], nb["DigitDataError"]
PIXELS = [f"pixel{i}" for i in range(784)]
ROWS = 12


def table(kind="train", columns=None):
    """A small valid file as a header and rows of strings: labels 0-9 and seeded pixels."""
    rng = np.random.default_rng(0)
    columns = columns or (["label"] + PIXELS if kind == "train" else PIXELS)
    rows = [
        [str(row % 10) if name == "label" else str(rng.integers(0, 256)) for name in columns]
        for row in range(ROWS)
    ]
    return columns, rows


def text_of(columns, rows, newline="\n"):
    return newline.join(",".join(line) for line in [columns, *rows]) + newline


def write(tmp_path, content, name="train.csv"):
    path = tmp_path / name
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    return path


def with_cell(row, column, value, kind="train"):
    columns, rows = table(kind)
    rows[row][columns.index(column)] = value
    return text_of(columns, rows)


def gzipped(text):
    return gzip.compress(text.encode())


def expect_error(path, kind, *fragments):
    with pytest.raises(DigitDataError) as error:
        read_digits(path, kind)
    message = str(error.value)
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, message
    return message


VALID = text_of(*table())
PIXEL_COUNT_MISMATCH = text_of(["label"] + PIXELS[:-1], [row[:-1] for row in table()[1]])
BAD_FILES = {
    "missing file": (None, "does not exist", "kaggle competitions download"),
    "empty file": ("", "empty (0 bytes)", "kaggle competitions download"),
    "header and no rows": (text_of(table()[0], []), "header but no rows"),
    "binary bytes": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "not a CSV text file",
    ),
    "truncated gzip": (gzipped(VALID)[:-200], "truncated or corrupt"),
    "corrupt gzip": (b"\x1f\x8b\x08\x00" + bytes(200), "truncated or corrupt"),
    "no label column": (text_of(*table("test")), "no `label` column"),
    "too few pixel columns": (
        PIXEL_COUNT_MISMATCH,
        "783 pixel columns where 784 belong",
        "pixel783",
    ),
    "duplicated pixel column": (
        text_of(*table(columns=["label"] + PIXELS[:-1] + ["pixel5"])),
        "`pixel5` appears 2 times",
        "columns [7, 785]",
    ),
    "misnamed pixel column": (
        text_of(*table(columns=["label", "pixl0"] + PIXELS[1:])),
        "column 2 is named `pixl0`",
    ),
    "blank cell": (
        with_cell(2, "pixel5", ""),
        "data row 3 (line 4 of the file), column `pixel5` is blank",
    ),
    "NaN cell": (with_cell(4, "pixel9", "NaN"), "data row 5", "column `pixel9` is blank"),
    "text cell": (
        with_cell(1, "pixel700", "dark"),
        "data row 2",
        "`pixel700` holds 'dark', which is not a number",
    ),
    "fraction": (with_cell(0, "pixel3", "12.5"), "data row 1", "`pixel3` holds 12.5, a fraction"),
    "pixel below 0": (with_cell(7, "pixel0", "-1"), "data row 8", "pixel value -1, outside 0-255"),
    "pixel above 255": (
        with_cell(3, "pixel783", "256"),
        "data row 4",
        "`pixel783` holds the pixel value 256, outside 0-255",
    ),
    "label outside 0-9": (
        with_cell(9, "label", "10"),
        "data row 10",
        "`label` holds the label 10, outside 0-9",
    ),
    "ragged row": (
        VALID + ",".join(["0"] * 790) + "\n",
        "malformed: line 14 of the file has 790 cells where the header has 785",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_training_file_stops_with_a_clear_error(tmp_path, case):
    content, *fragments = BAD_FILES[case]
    name = "train.csv.gz" if "gzip" in case else "train.csv"
    path = tmp_path / name if content is None else write(tmp_path, content, name)
    expect_error(path, "train", *fragments)


def test_label_column_in_the_test_file(tmp_path):
    expect_error(
        write(tmp_path, VALID, "test.csv"),
        "test",
        "there is a `label` column (column 1)",
        "is this the training file?",
    )


def test_test_file_with_other_pixel_columns_than_train(tmp_path):
    shifted = text_of(*table("test", columns=[f"pixel{i + 1}" for i in range(784)]))
    expect_error(write(tmp_path, shifted, "test.csv"), "test", "column 784 is named `pixel784`")


def test_bad_cell_is_found_past_the_first_chunk(tmp_path):
    columns, rows = table()
    rows = rows * 500  # 6,000 rows: more than one chunk of 5,000
    rows[5500] = list(rows[5500])
    rows[5500][10] = "x"
    expect_error(
        write(tmp_path, text_of(columns, rows)), "train", "data row 5501 (line 5502 of the file)"
    )


def reference(tmp_path):
    return read_digits(write(tmp_path, VALID, "plain.csv"), "train")


@pytest.mark.parametrize(
    "variant", ["windows line endings", "byte-order mark", "gzip", "columns reordered"]
)
def test_harmless_variants_load_like_the_plain_file(tmp_path, variant):
    columns, rows = table()
    if variant == "windows line endings":
        content = text_of(columns, rows, newline="\r\n")
    elif variant == "byte-order mark":
        content = "\ufeff" + VALID
    elif variant == "gzip":
        content = gzipped(VALID)
    else:
        order = np.random.default_rng(1).permutation(len(columns))
        content = text_of([columns[i] for i in order], [[row[i] for i in order] for row in rows])
    pixels, labels = read_digits(
        write(tmp_path, content, "train.csv.gz" if variant == "gzip" else "train.csv"), "train"
    )
    expected_pixels, expected_labels = reference(tmp_path)
    assert pixels.dtype == np.uint8 and pixels.shape == (ROWS, 784)
    np.testing.assert_array_equal(pixels, expected_pixels)
    np.testing.assert_array_equal(labels, expected_labels)


def test_a_missing_class_and_a_small_training_set_only_warn(tmp_path):
    columns, rows = table()
    rows = [row for row in rows if row[0] != "9"]
    path = write(tmp_path, text_of(columns, rows))
    pixels, labels = read_digits(path, "train")
    with pytest.warns(UserWarning) as caught:
        nb["warn_about_training_set"](path, labels)
    messages = " ".join(str(warning.message) for warning in caught)
    assert (
        "no training digits of class [9]" in messages
        and f"only {len(labels)} labelled digits" in messages
    )
    train_images, val_images, *_ = nb["split_for_validation"](pixels, labels, 0.1, seed=0)
    assert len(train_images) + len(val_images) == len(labels)
