"""What the whole suite shares, set once, before anything imports torch.

The suite runs one pytest-xdist worker per core, and each worker (and each `nudge` it starts) would otherwise
give torch's OpenMP pool a thread per core as well: two threads a core, whose idle ones spin. One thread each
measured about 9% less CPU for the same tests (tests/engine/test_numerics.py with tests/cli/test_run_files.py,
83 s to 75 s). The nets here are far below the sizes torch splits across threads, so no result changes. A value
the person running the tests set is kept.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
