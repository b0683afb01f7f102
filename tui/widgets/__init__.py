"""The app's widgets, one per file."""

from .chart import Chart, ChartPanel
from .choice_screen import ChoiceScreen
from .code_screen import CodeScreen
from .file_prompt import FilePrompt
from .example_picker import ExamplePicker
from .fit_chart import FitChart
from .help_screen import ExampleInfoScreen, HelpScreen
from .log_pane import LogPane
from .loss_chart import LossChart
from .params_form import LIVE_FIELDS, ParamsForm
from .race_screen import RaceScreen
from .modal import Modal
from .runs_screen import RunsScreen
from .sweep_screen import SweepScreen
from .status_line import StatusLine, status_text
from .too_small import MIN_HEIGHT, MIN_WIDTH, TooSmall, too_small
from .view_deck import VIEW_TITLES, ViewDeck
from .views import ViewSource

__all__ = ["Chart", "ChartPanel", "ChoiceScreen", "CodeScreen", "FilePrompt", "ExamplePicker", "FitChart", "ExampleInfoScreen", "HelpScreen", "LogPane", "LossChart", "LIVE_FIELDS", "Modal",
           "ParamsForm", "RaceScreen", "RunsScreen", "SweepScreen", "StatusLine", "status_text", "MIN_HEIGHT", "MIN_WIDTH", "TooSmall", "too_small",
           "VIEW_TITLES", "ViewDeck", "ViewSource"]
