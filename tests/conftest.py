"""What the whole suite shares, set once, before anything imports torch.

The suite runs one pytest-xdist worker per core, and each worker (and each `nudge` it starts) would otherwise
give torch's OpenMP pool a thread per core as well: two threads a core, whose idle ones spin. One thread each
measured about 9% less CPU for the same tests (tests/engine/test_numerics.py with tests/cli/test_run_files.py,
83 s to 75 s). The nets here are far below the sizes torch splits across threads, so no result changes. A value
the person running the tests set is kept.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

# The longest tests (10-25 s each, measured with --durations), started first: xdist hands tests out in
# collection order, and one of these drawn last kept one worker busy alone while the other had finished.
LONGEST_FIRST = ("tests/engine/test_kernel.py::test_seed_runs_over_all_2000_epochs",
                 "tests/tui/test_key_bursts.py", "tests/serve/test_serve_browser.py",
                 "tests/engine/test_numerics.py::test_default_run_matches_the_seed_loop",
                 "tests/cli/test_run_files.py::test_a_saved_config_reruns")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))  # stable: the rest keep their order
