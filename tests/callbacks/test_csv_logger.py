import numpy as np
import pytest

from kerax.callbacks import CSVLogger


def read(path):
    return path.read_text().splitlines()


def test_writes_header_and_rows(model, fit, tmp_path):
    path = tmp_path / "log.csv"
    fit(
        [CSVLogger(str(path))],
        model,
        [
            {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.625},
            {"loss": 0.25, "accuracy": 0.875, "val_loss": 0.5},
        ],
    )
    assert read(path) == [
        "epoch,accuracy,loss,val_loss",
        "0,0.75,0.5,0.625",
        "1,0.875,0.25,0.5",
    ]


def test_reserves_val_columns_when_first_epoch_has_none(model, fit, tmp_path):
    path = tmp_path / "log.csv"
    fit([CSVLogger(str(path), separator=";")], model, [{"loss": 0.5}, {"loss": 0.25, "val_loss": 0.125}])
    assert read(path) == ["epoch;loss;val_loss", "0;0.5;NA", "1;0.25;0.125"]


def test_overwrites_by_default_and_appends_on_request(model, fit, tmp_path):
    path = tmp_path / "log.csv"
    fit([CSVLogger(str(path))], model, [{"loss": 1.0, "val_loss": 2.0}])
    fit([CSVLogger(str(path))], model, [{"loss": 0.5, "val_loss": 1.5}])
    assert read(path) == ["epoch,loss,val_loss", "0,0.5,1.5"]
    # appending reuses the existing header and its column order, without repeating it
    fit([CSVLogger(str(path), append=True)], model, [{"val_loss": 1.25, "loss": 0.25, "accuracy": 0.5}])
    assert read(path) == ["epoch,loss,val_loss", "0,0.5,1.5", "0,0.25,1.25"]


def test_append_to_missing_or_empty_file_writes_header(model, fit, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("")
    fit([CSVLogger(str(path), append=True)], model, [{"loss": 1.0, "val_loss": 2.0}])
    assert read(path) == ["epoch,loss,val_loss", "0,1.0,2.0"]


def test_array_values_and_file_closed(model, fit, tmp_path):
    path = tmp_path / "log.csv"
    cb = CSVLogger(str(path))
    fit([cb], model, [{"loss": 1.0, "val_loss": 2.0, "val_vec": np.array([1.0, 2.0])}])
    assert read(path)[1] == '0,1.0,2.0,"[1.0, 2.0]"'
    assert cb._file is None


def test_separator_validation(tmp_path):
    with pytest.raises(ValueError, match="separator"):
        CSVLogger(str(tmp_path / "x.csv"), separator=";;")
