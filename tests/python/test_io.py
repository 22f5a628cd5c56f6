"""tms.io: .npz round trips that numpy reads, and exceptions mapped from the C++ errors."""
import numpy as np
import pytest

import tms


@pytest.mark.parametrize("kind", ["linear", "relu_output", "relu_hidden", "abs_value"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip(tmp_path, kind, dtype):
    model = tms.model(kind, 7, 3, dtype=dtype, seed=5)
    model.b[:] = np.arange(7)
    path = tmp_path / f"{kind}.npz"
    tms.save_model(path, model, importance=0.9 ** np.arange(7), probability=0.25)
    loaded = tms.load_model(path)
    assert type(loaded.model) is type(model) and loaded.model == model
    np.testing.assert_allclose(loaded.importance, 0.9 ** np.arange(7), rtol=1e-6)
    assert np.all(loaded.probabilities == np.asarray(0.25, dtype=dtype))
    z = np.load(path)
    assert str(z["kind"]) == kind and int(z["n"]) == 7 and int(z["m"]) == 3
    assert np.array_equal(z["b"], model.b)


def test_errors_are_mapped(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.npz"):
        tms.load_model(tmp_path / "nothing.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip archive at all")
    with pytest.raises(tms.FormatError, match="bad.npz"):
        tms.load_model(bad)
    assert issubclass(tms.FormatError, ValueError) and issubclass(tms.FormatError, tms.Error)
    with pytest.raises(ValueError, match="probability"):
        tms.save_model(tmp_path / "p.npz", tms.ReluOutputModel(3, 2), probability=[0.1, 0.2])
    with pytest.raises(ValueError, match="probability"):
        tms.save_model(tmp_path / "p.npz", tms.ReluOutputModel(3, 2), probability=2.0)
    with pytest.raises(OSError):
        tms.save_model(tmp_path / "no" / "such" / "dir.npz", tms.ReluOutputModel(3, 2))
