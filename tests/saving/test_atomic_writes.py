"""Every writer of model files goes through one atomic writer: a temporary file beside the target, renamed into
place. An interrupted save leaves the old file intact and its temporary file is removed by the next save of the
same target (and only that target's); new files get the umask's permissions, overwritten ones keep their mode;
a symbolic link stays a link to the file written; a directory in the way is refused before anything is written.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import kerax
from kerax.saving import _zip

ZIP_MODULE = Path(_zip.__file__)


def _model():
    return kerax.Sequential([kerax.Input((3,)), kerax.layers.Dense(2)], name="tiny")


def _save_kerax(model, path):
    model.save(path)


def _save_keras(model, path):
    model.save(path)


def _save_safetensors(model, path):
    model.save_weights(path)


def _save_h5(model, path):
    model.save_weights(path)


def _backup(model, path):
    """BackupAndRestore writes ``latest.weights.safetensors`` (and ``previous...``) in its folder."""
    callback = kerax.callbacks.BackupAndRestore(str(Path(path).parent), double_checkpoint=True)
    callback.set_model(model)
    callback.on_epoch_end(0)
    callback.on_epoch_end(1)  # the second backup copies the first to `previous`, then overwrites `latest`


def _checkpoint(model, path):
    callback = kerax.callbacks.ModelCheckpoint(str(path), save_weights_only=str(path).endswith(".weights.h5"))
    callback.set_model(model)
    callback.on_epoch_end(0, {"loss": 1.0})


def _backup_file(folder: Path) -> Path:
    return folder / "latest.weights.safetensors"


WRITERS = {
    "save.kerax": (_save_kerax, "m.kerax"),
    "save.keras": (_save_keras, "m.keras"),
    "save_weights.safetensors": (_save_safetensors, "m.weights.safetensors"),
    "save_weights.h5": (_save_h5, "m.weights.h5"),
    "BackupAndRestore": (_backup, "latest.weights.safetensors"),
    "ModelCheckpoint.keras": (_checkpoint, "ckpt.keras"),
    "ModelCheckpoint.weights.h5": (_checkpoint, "ckpt.weights.h5"),
}


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_writer_respects_umask_mode_and_symlinks(tmp_path, writer):
    save, name = WRITERS[writer]
    model = _model()
    # A new file gets the umask's permissions (mkstemp would make it 0600).
    old_umask = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        save(model, fresh / name)
        assert stat.S_IMODE((fresh / name).stat().st_mode) == 0o640
    finally:
        os.umask(old_umask)
    # An overwrite keeps the existing file's mode.
    os.chmod(fresh / name, 0o604)
    save(model, fresh / name)
    assert stat.S_IMODE((fresh / name).stat().st_mode) == 0o604
    # Saving through a symbolic link writes the file it points to; the link stays a link.
    real = tmp_path / "real"
    real.mkdir()
    (real / name).write_bytes(b"old")
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / name).symlink_to(real / name)
    save(model, linked / name)
    assert (linked / name).is_symlink()
    assert (real / name).read_bytes() != b"old"
    assert (real / name).stat().st_size > 100
    assert _temps(fresh) == _temps(real) == _temps(linked) == []


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_saving_onto_a_directory_fails_before_writing(tmp_path, writer):
    save, name = WRITERS[writer]
    (tmp_path / name).mkdir()
    (tmp_path / name / "keep.txt").write_text("kept")
    with pytest.raises(IsADirectoryError, match="directory") as info:
        save(_model(), tmp_path / name)
    if writer.startswith("save"):  # the callbacks check their paths themselves first, with IsADirectoryError
        assert isinstance(info.value, ValueError)
    assert (tmp_path / name / "keep.txt").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_stale_temporary_files_of_the_same_target_are_removed_and_only_those(tmp_path):
    model = _model()
    target = tmp_path / "m.kerax"
    model.save(target)
    old = time.time() - 3600
    stale = [tmp_path / ".m.kerax.0123abcd.part", tmp_path / ".m.kerax.ffffffff.part"]
    kept = [
        tmp_path / ".m.kerax.0123abcd.part.bak",  # not the exact pattern
        tmp_path / ".m.kerax.0123abc.part",  # 7 digits
        tmp_path / ".m.kerax.0123ABCD.part",  # not what the writer makes
        tmp_path / ".other.kerax.0123abcd.part",  # another target's
        tmp_path / "m.kerax.0123abcd.part",  # no leading dot
        tmp_path / "notes.txt",
    ]
    for path in stale + kept:
        path.write_bytes(b"x")
        os.utime(path, (old, old))
    fresh = tmp_path / ".m.kerax.00000000.part"  # a save in progress right now: newer than this save
    fresh.write_bytes(b"x")
    directory = tmp_path / ".m.kerax.11111111.part"  # matches, but is not a regular file
    directory.mkdir()
    os.utime(directory, (old, old))
    model.save(target)
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept)
    assert fresh.exists() and directory.is_dir()


def _kill_mid_write(target: Path) -> subprocess.CompletedProcess:
    """Run the atomic writer in a child that is SIGKILLed halfway through writing (``_zip`` needs only the stdlib)."""
    script = (
        "import importlib.util, os, sys\n"
        f"spec = importlib.util.spec_from_file_location('z', {str(ZIP_MODULE)!r})\n"
        "z = importlib.util.module_from_spec(spec); spec.loader.exec_module(z)\n"
        "def write(f):\n"
        "    f.write(b'new, half written'); f.flush(); os.kill(os.getpid(), 9)\n"
        f"z.atomic_write({str(target)!r}, write)\n"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, check=False)


def test_kill_mid_save_keeps_the_old_file_and_the_next_save_cleans_up(tmp_path):
    target = tmp_path / "m.kerax"
    model = _model()
    model.save(target)
    before = target.read_bytes()
    result = _kill_mid_write(target)
    assert result.returncode == -9
    assert target.read_bytes() == before
    leftovers = _temps(tmp_path)
    assert len(leftovers) == 1 and leftovers[0].startswith(".m.kerax.")
    old = time.time() - 60
    os.utime(tmp_path / leftovers[0], (old, old))
    (tmp_path / "other.kerax").write_bytes(b"unrelated")
    model.save(tmp_path / "other.kerax")  # another target's save leaves this target's temp alone
    assert _temps(tmp_path) == leftovers
    model.save(target)
    assert _temps(tmp_path) == []
    loaded = kerax.models.load_model(target)
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_overwrite_false_and_failed_writes_leave_nothing_behind(tmp_path):
    target = tmp_path / "m.weights.safetensors"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        _zip.atomic_write(target, lambda f: f.write(b"new"), overwrite=False)

    def fail(f):
        f.write(b"partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        _zip.atomic_write(target, fail)
    assert target.read_bytes() == b"old"
    assert _temps(tmp_path) == []
