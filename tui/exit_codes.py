"""The `nudge` command's exit codes (the README lists them)."""

EXIT_OK = 0  # completed or converged
EXIT_FAILED = 1  # training failed: the message says why
EXIT_INVALID = 2  # invalid input, or the app cannot start here
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130  # Ctrl-C, after the `stopped` summary
EXIT_BROKEN_PIPE = 141  # the reader of the output went away
