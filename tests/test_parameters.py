"""The parameters read from DIGITS_* environment variables: their defaults and their errors."""

import pytest
from notebook import notebook_functions


@pytest.mark.parametrize("size", ["1", "3"])
def test_a_single_model_and_an_ensemble_have_the_same_default_filters(monkeypatch, size):
    monkeypatch.delenv("DIGITS_FILTERS", raising=False)
    monkeypatch.setenv("DIGITS_ENSEMBLE_SIZE", size)
    assert notebook_functions()["FILTERS"] == (32, 64, 128)


@pytest.mark.parametrize(("size", "epochs"), [("1", 15), ("3", 30)])
def test_the_models_of_an_ensemble_train_for_longer_by_default(monkeypatch, size, epochs):
    monkeypatch.delenv("DIGITS_QUICK")
    monkeypatch.setenv("DIGITS_ENSEMBLE_SIZE", size)
    assert notebook_functions()["EPOCHS"] == epochs


def test_quick_mode_and_a_set_number_of_epochs_apply_to_an_ensemble_too(monkeypatch):
    monkeypatch.setenv("DIGITS_ENSEMBLE_SIZE", "3")
    assert notebook_functions()["EPOCHS"] == 1
    monkeypatch.setenv("DIGITS_EPOCHS", "7")
    assert notebook_functions()["EPOCHS"] == 7


def test_filters_set_in_the_environment_build_that_network(monkeypatch):
    monkeypatch.setenv("DIGITS_FILTERS", " 8, 16,32 ")
    nb = notebook_functions()
    assert nb["FILTERS"] == (8, 16, 32)
    widths = [
        layer.filters
        for layer in nb["build_model"](1, nb["FILTERS"], nb["DROPOUT"], nb["AUGMENTATION"]).layers
        if hasattr(layer, "filters")
    ]
    assert widths == [8, 8, 8, 16, 16, 16, 32]


BAD_LISTS = [
    ("FILTERS", value, "three positive filter counts")
    for value in ["32,64", "32,64,128,256", "32,0,128", "32;64;128", "wide"]
] + [
    ("AUGMENTATION", value, "degrees, zoom and shift")
    for value in ["10,0.1", "10,0.1,0.1,0", "-5,0.1,0.1", "10,1,0.1", "strong"]
]


@pytest.mark.parametrize(("name", "value", "expected"), BAD_LISTS)
def test_a_bad_list_value_says_what_is_expected(monkeypatch, name, value, expected):
    monkeypatch.setenv(f"DIGITS_{name}", value)
    with pytest.raises(ValueError, match=rf"DIGITS_{name}=.* is not a valid list of {expected}"):
        notebook_functions()


def test_augmentation_set_in_the_environment_is_what_the_trained_model_applies(monkeypatch):
    monkeypatch.setenv("DIGITS_AUGMENTATION", "15, 0.15,0.2")
    nb = notebook_functions()
    model = nb["build_member"](0, nb["RECIPE"])
    layer = model.get_layer("augmentation")
    assert (layer.degrees, layer.zoom, layer.shift) == (15, 0.15, 0.2)


def test_a_bad_number_names_the_variable_and_the_type(monkeypatch):
    monkeypatch.setenv("DIGITS_EPOCHS", "ten")
    with pytest.raises(ValueError, match=r"DIGITS_EPOCHS='ten' is not a valid int; unset it"):
        notebook_functions()


@pytest.mark.parametrize(("size", "dropout"), [("1", 0.25), ("3", 0.4)])
def test_a_single_model_drops_a_quarter_and_an_ensembles_models_keep_their_measured_0_4(
    monkeypatch, size, dropout
):
    monkeypatch.delenv("DIGITS_DROPOUT", raising=False)
    monkeypatch.setenv("DIGITS_ENSEMBLE_SIZE", size)
    nb = notebook_functions()
    assert nb["DROPOUT"] == dropout
    rates = [
        layer.rate
        for layer in nb["build_model"](1, nb["FILTERS"], nb["DROPOUT"], nb["AUGMENTATION"]).layers
        if layer.__class__.__name__ == "Dropout"
    ]
    assert rates == [dropout] * 3


def parameters_with_gpus(gpus):
    """The notebook's parameters as on a machine whose Keras backend sees `gpus`."""
    from notebook import code_cells

    parameters_cell = code_cells("parameters")[0]["id"]
    namespace = {}
    for cell in code_cells("imports", "functions", "parameters"):
        if cell["id"] == parameters_cell:
            namespace["gpu_names"] = lambda: list(gpus)
        exec(compile(cell["source"], f"<notebook cell {cell['id']}>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    ("gpus", "size", "epochs", "dropout", "test_time_augmentation"),
    [([], 1, 15, 0.25, False), (["Tesla T4", "Tesla T4"], 10, 30, 0.4, False)],
)
def test_the_hardware_picks_the_mode(
    monkeypatch, gpus, size, epochs, dropout, test_time_augmentation
):
    for name in ("QUICK", "ENSEMBLE_SIZE", "EPOCHS", "DROPOUT", "TEST_TIME_AUGMENTATION"):
        monkeypatch.delenv(f"DIGITS_{name}", raising=False)
    nb = parameters_with_gpus(gpus)
    assert nb["ENSEMBLE_SIZE"] == size
    assert (nb["EPOCHS"], nb["DROPOUT"]) == (epochs, dropout)
    assert nb["TEST_TIME_AUGMENTATION"] is test_time_augmentation
    said = nb["describe_mode"](size, epochs, test_time_augmentation, gpus)
    assert said.startswith("Mode: the best mode" if gpus else "Mode: the fast default")
    assert ("a GPU is present" if gpus else "there is no GPU") in said


def test_a_set_ensemble_size_overrides_the_hardware_and_says_so(monkeypatch):
    monkeypatch.setenv("DIGITS_ENSEMBLE_SIZE", "1")
    nb = parameters_with_gpus(["NVIDIA H200"])
    assert (nb["ENSEMBLE_SIZE"], nb["TEST_TIME_AUGMENTATION"]) == (1, False)
    said = nb["describe_mode"](1, 1, False, ["NVIDIA H200"])
    assert said == (
        "Mode: the fast default, one model of up to 1 epoch; "
        "ENSEMBLE_SIZE was set (this hardware would pick 10)."
    )
