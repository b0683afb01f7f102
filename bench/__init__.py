"""nudge's speed and traffic measurements: `python -m bench` prints each row with its target."""
