"""A person's own x,y data from a CSV file: what reads, and a message naming the file (and the line) for
everything that does not."""

import os

import numpy as np
import pytest

from engine import ConfigError, read_data_file
from engine.data_file import MAX_DATA_BYTES, MAX_ROWS


def write(tmp_path, text, name="points.csv", mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def refused(path, field="data", **columns):
    with pytest.raises(ConfigError) as info:
        read_data_file(path, **columns)
    assert info.value.field == field
    message = str(info.value)
    assert "\n" not in message and len(message) < 500
    return message


def test_a_header_is_optional_and_rows_keep_file_order(tmp_path):
    with_header = read_data_file(write(tmp_path, "x,y\n2,4\n-1,1\n0.5,0.25\n"))
    without = read_data_file(write(tmp_path, "2,4\n-1,1\n0.5,0.25\n", "b.csv"))
    for points in (with_header, without):
        np.testing.assert_array_equal(points.x, [2, -1, 0.5])
        np.testing.assert_array_equal(points.y, [4, 1, 0.25])
    assert (with_header.x_name, with_header.y_name) == ("x", "y")
    assert (without.x_name, without.y_name) == ("column 1", "column 2")


def test_columns_are_chosen_by_header_name_or_by_number_from_1(tmp_path):
    path = write(tmp_path, "# a comment line\ntime;height;mass\n\n1;10;100\n2;20;200\n")
    by_name = read_data_file(path, x_col="time", y_col="MASS")  # a name matches regardless of case
    by_number = read_data_file(path, x_col="1", y_col="3")
    for points in (by_name, by_number):
        np.testing.assert_array_equal(points.x, [1, 2])
        np.testing.assert_array_equal(points.y, [100, 200])
    tabs = read_data_file(write(tmp_path, "1\t2\n3\t4\n", "t.tsv"))
    spaces = read_data_file(write(tmp_path, "1  2\n3 4\n", "s.txt"))
    assert tabs.y.tolist() == spaces.y.tolist() == [2, 4]
    bom = read_data_file(write(tmp_path, "\ufeffx,y\n1,2\n", "bom.csv"))  # Excel's UTF-8 marker
    assert bom.x_name == "x"


@pytest.mark.parametrize("text, says", [
    ("", "has no rows"),
    ("# only a comment\n\n", "has no rows"),
    ("x,y\n", "has a header row but no data rows"),
    ("1\n2\n3\n", "has one column; a data file needs two"),
    ("x,y\n1,2\n2,abc\n", "line 3, column 2 (y): 'abc' is not a number"),
    ("1,2\n\n3,oops\n", "line 3, column 2: 'oops' is not a number"),
    ("x,y\n1,nan\n", "line 2, column 2 (y): 'nan' is not a finite number"),
    ("x,y\ninf,1\n", "line 2, column 1 (x): 'inf' is not a finite number"),
    ("x,y\n1,2\n3\n", "line 3 has 1 column; column 2 (y) is missing"),
    ("x,y\n1e9,2\n", "line 2, column 1 (x): 1e9 is outside -10000 to 10000"),
])
def test_a_bad_file_is_refused_with_its_line(tmp_path, text, says):
    path = write(tmp_path, text)
    message = refused(path)
    assert says in message and "points.csv" in message


def test_missing_directory_binary_and_non_utf8_files_are_refused(tmp_path):
    assert "does not exist" in refused(str(tmp_path / "nope.csv"))
    assert "is a directory" in refused(str(tmp_path))
    assert "binary data" in refused(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00", "img.csv", "wb"))
    assert "is not UTF-8 text (byte 3)" in refused(write(tmp_path, b"1,\xff\n", "latin.csv", "wb"))


def test_a_huge_file_is_refused_before_it_is_read_whole(tmp_path):
    rows = "".join(f"{i},{i}\n" for i in range(MAX_ROWS + 1))
    assert f"has {MAX_ROWS + 1:,} data rows; at most {MAX_ROWS:,}" in refused(write(tmp_path, rows))
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:  # sparse: no need to write the megabytes
        fh.truncate(MAX_DATA_BYTES + 1)
    assert "is larger than 4 MiB" in refused(str(big))


def test_a_column_that_does_not_exist_is_named_on_its_own_setting(tmp_path):
    path = write(tmp_path, "t,h\n1,2\n")
    assert "column '3' does not exist" in refused(path, "x_col", x_col="3")
    assert "no column is named 'height'" in refused(path, "y_col", y_col="height")
    assert "its columns are 't', 'h'" in refused(path, "y_col", y_col="height")
    assert "has no header row, so columns are chosen by number, 1 to 2" in refused(
        write(tmp_path, "1,2\n", "n.csv"), "x_col", x_col="time")
    assert "same column" in refused(path, "y_col", x_col="t", y_col="1")


def test_a_changed_file_is_read_again(tmp_path):
    path = write(tmp_path, "1,2\n")
    assert read_data_file(path).y.tolist() == [2]
    with open(path, "w") as fh:
        fh.write("1,5\n2,6\n")
    os.utime(path, ns=(1, 1))  # a different modification time, even on a coarse clock
    assert read_data_file(path).y.tolist() == [5, 6]


@pytest.mark.skipif(not os.path.exists(os.devnull) or os.path.isfile(os.devnull), reason="no device file here")
def test_a_device_or_pipe_is_refused_unread_for_reading_one_would_wait_for_input():
    with pytest.raises(ConfigError, match="is not a regular file"):
        read_data_file(os.devnull)
