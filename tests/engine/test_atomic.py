"""Files nudge writes are complete or absent, never replace a file unless asked, and fail with the path named."""

import os

import pytest

from engine import AtomicFile, WriteError, check_target, write_atomic


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_write_lands_whole_under_its_name_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "out.txt"
    assert write_atomic(str(path), "héllo\n") == len("héllo\n".encode())
    assert path.read_text() == "héllo\n" and leftovers(tmp_path) == []


def test_nothing_has_the_name_until_the_commit(tmp_path):
    path = tmp_path / "m.csv"
    f = AtomicFile(str(path)).open()
    f.write("epoch,loss\n")
    assert not path.exists() and len(leftovers(tmp_path)) == 1  # the rows so far are in the temporary file
    f.commit()
    assert path.read_text() == "epoch,loss\n" and leftovers(tmp_path) == []


def test_an_exception_inside_the_block_leaves_nothing(tmp_path):
    path = tmp_path / "w.pt"
    with pytest.raises(KeyboardInterrupt):
        with AtomicFile(str(path)) as f:
            f.write(b"half")
            raise KeyboardInterrupt
    assert not path.exists() and leftovers(tmp_path) == []


def test_an_existing_file_is_kept_unless_forced(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("mine")
    with pytest.raises(WriteError, match="exists already") as info:
        write_atomic(str(path), "new")
    assert info.value.exists and path.read_text() == "mine"
    write_atomic(str(path), "new", force=True)
    assert path.read_text() == "new" and leftovers(tmp_path) == []


def test_a_file_that_appears_between_the_check_and_the_commit_is_not_replaced(tmp_path):
    path = tmp_path / "m.csv"
    f = AtomicFile(str(path)).open()
    f.write("ours")
    path.write_text("theirs")  # someone else made it meanwhile
    with pytest.raises(WriteError, match="exists already"):
        f.commit()
    assert path.read_text() == "theirs" and leftovers(tmp_path) == []


@pytest.mark.parametrize("name, reason", [
    ("missing/out.csv", "the folder .* does not exist"),
    ("", "not a valid file name"),
    ("a\0b", "not a valid file name"),
    (".", "it is a folder"),
    ("x" * 5000, "too long"),
], ids=["missing-folder", "empty", "nul", "folder", "long-name"])
def test_a_path_that_cannot_be_written_is_one_error_naming_it(tmp_path, name, reason):
    path = os.path.join(str(tmp_path), name) if name not in ("", "a\0b") else name
    with pytest.raises(WriteError, match=reason) as info:
        check_target(path)
    assert str(info.value).startswith("cannot write '")
    assert len(str(info.value)) < 300  # a long path is quoted by its end
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_anything_is_written(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(WriteError, match="Permission denied"):
            check_target(str(tmp_path / "m.csv"))
    finally:
        tmp_path.chmod(0o700)


def test_a_new_file_gets_the_usual_permissions_not_a_temporary_files(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = tmp_path / "run.toml"
    write_atomic(str(path), "x")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_device_is_never_renamed_over_even_when_forced():
    with pytest.raises(WriteError, match="not a regular file"):
        check_target(os.devnull, force=True)
