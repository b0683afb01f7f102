"""Messages that cross from a worker thread to the app (posted with `post_message`, which is safe
from any thread). Widget-to-app messages live on their widgets (ExamplePicker.Chosen, ParamsForm.Changed)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class TorchReady(Message):
    """The background warm-up finished: torch is imported and the first run will start at once."""

    error: str = ""
