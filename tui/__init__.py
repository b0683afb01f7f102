"""nudge's terminal app (Textual): pick an example, tune it, and watch a real model learn.

`tui.app.run_app(config)` opens it; the engine underneath never imports Textual.
"""
