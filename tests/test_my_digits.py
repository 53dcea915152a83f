"""The notebook's preparation of the user's own digit images, on crafted images, and its
temperature scaling, on a fixed set of overconfident predictions."""

import numpy as np
import pytest
from notebook import notebook_functions
from PIL import Image, ImageDraw

nb = notebook_functions()
prepare_digit, read_my_digits = nb["prepare_digit"], nb["read_my_digits"]


def seven(width=200, height=200, left=50, top=40, size=110, ink=20, paper=235):
    """A thick handwritten-style 7, dark ink on light paper."""
    image = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(image)
    draw.line(
        [(left, top), (left + size * 0.8, top), (left + size * 0.35, top + size)],
        fill=ink,
        width=size // 7,
    )
    return image


def noisy(image, seed=0):
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, 20, (image.height, image.width))
    return Image.fromarray(np.uint8(np.clip(pixels, 0, 255)))


def assert_mnist_like(digit):
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert digit.min() == 0 and digit.max() <= 1 and digit.max() > 0.9
    rows, columns = np.nonzero(digit)
    assert max(np.ptp(rows) + 1, np.ptp(columns) + 1) == 20  # the ink's longer side
    centre = (np.indices(digit.shape) * digit).sum(axis=(1, 2)) / digit.sum()
    assert np.abs(centre - 13.5).max() <= 1.0, centre
    corners = digit[:3, :3], digit[:3, -3:], digit[-3:, :3], digit[-3:, -3:]
    assert not any(corner.any() for corner in corners)  # background is exactly zero
    assert (digit == 0).mean() > 0.5


CRAFTED = {
    "dark ink on light paper": seven(),
    "inverted: light ink on a dark board": Image.eval(seven(), lambda value: 255 - value),
    "off-centre": seven(width=400, height=300, left=10, top=10),
    "large photo": seven(width=3000, height=2000, left=400, top=300, size=1200),
    "noisy": noisy(seven()),
    "colour": seven().convert("RGB"),
}


@pytest.mark.parametrize("case", CRAFTED)
def test_crafted_image_is_prepared_like_mnist(case):
    assert_mnist_like(prepare_digit(CRAFTED[case]))


def test_inverted_image_gives_the_same_digit():
    plain = prepare_digit(CRAFTED["dark ink on light paper"])
    inverted = prepare_digit(CRAFTED["inverted: light ink on a dark board"])
    assert np.abs(plain - inverted).max() < 0.05


def test_position_size_and_noise_do_not_matter():
    reference = prepare_digit(CRAFTED["dark ink on light paper"])
    for case in ("off-centre", "large photo", "noisy"):
        assert np.abs(prepare_digit(CRAFTED[case]) - reference).mean() < 0.05, case


def test_blank_image_has_no_digit():
    assert prepare_digit(Image.new("L", (120, 90), 240)) is None


def test_folder_reading_skips_bad_files_with_one_line_each(tmp_path, capsys):
    CRAFTED["noisy"].save(tmp_path / "good.png")
    CRAFTED["large photo"].convert("RGB").save(tmp_path / "photo.JPG")
    Image.new("L", (64, 64), 250).save(tmp_path / "blank.png")
    (tmp_path / "corrupt.png").write_bytes(b"this is not an image")
    (tmp_path / "truncated.jpg").write_bytes((tmp_path / "photo.JPG").read_bytes()[:2000])
    (tmp_path / "notes.txt").write_text("ignored: not an image suffix")
    prepared = read_my_digits(tmp_path)
    assert [path.name for path, _, _ in prepared] == ["good.png", "photo.JPG"]
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert any("blank.png: no ink found" in line for line in lines)
    assert any("corrupt.png: not a readable image" in line for line in lines)
    assert any("truncated.jpg: not a readable image" in line for line in lines)


def test_shipped_examples_are_all_readable():
    prepared = read_my_digits(nb["Path"](__file__).parent.parent / "data" / "my_digits")
    assert len(prepared) == 10
    for _, _, digit in prepared:
        assert_mnist_like(digit)


def overconfident_predictions():
    """Seeded softmax outputs that are right about 80 % of the time but claim far more."""
    rng = np.random.default_rng(42)
    digits = rng.integers(0, 10, 3000)
    logits = rng.normal(0, 1, (3000, 10))
    logits[np.arange(3000), digits] += 1.8
    logits *= 4  # overconfidence
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    return probabilities / probabilities.sum(axis=1, keepdims=True), digits


def test_temperature_scaling_lowers_the_calibration_error_and_keeps_the_labels():
    probabilities, digits = overconfident_predictions()
    temperature = nb["fit_temperature"](probabilities, digits)
    calibrated = nb["apply_temperature"](probabilities, temperature)
    before = nb["expected_calibration_error"](probabilities, digits)
    after = nb["expected_calibration_error"](calibrated, digits)
    assert temperature > 1.5
    assert after < before / 3
    np.testing.assert_array_equal(calibrated.argmax(axis=1), probabilities.argmax(axis=1))
    np.testing.assert_allclose(calibrated.sum(axis=1), 1)
