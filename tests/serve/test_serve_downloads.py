"""In a browser, a file the app saves goes to the browser as a download (Textual's deliver_text /
deliver_binary), never to the server's disk; in a terminal it is written as always."""

from __future__ import annotations

from tui.saving import save_file

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # what textual-serve sets for each session


class DeliveringApp:
    """Stands in for the app: keeps what it was asked to deliver to the browser."""

    def __init__(self) -> None:
        self.delivered: list[tuple] = []

    def deliver_text(self, file, **options) -> None:
        self.delivered.append(("text", file.read(), options))

    def deliver_binary(self, file, **options) -> None:
        self.delivered.append(("binary", file.read(), options))


def test_in_a_browser_text_and_bytes_are_delivered_by_name_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTUAL_DRIVER", WEB_DRIVER)
    app = DeliveringApp()
    said = save_file(app, str(tmp_path / "run.toml"), "lr = 0.1\n")
    save_file(app, str(tmp_path / "sub" / "w.pt"), b"\x00\x01", force=True)
    assert app.delivered == [("text", "lr = 0.1\n", {"save_filename": "run.toml", "encoding": "utf-8"}),
                             ("binary", b"\x00\x01", {"save_filename": "w.pt"})]
    assert said == "sent run.toml to your browser as a download (9 characters)"
    assert list(tmp_path.iterdir()) == []


def test_in_a_terminal_the_file_is_written_and_nothing_delivered(tmp_path, monkeypatch):
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    app = DeliveringApp()
    save_file(app, str(tmp_path / "run.toml"), "lr = 0.1\n")
    assert (tmp_path / "run.toml").read_text() == "lr = 0.1\n" and app.delivered == []
