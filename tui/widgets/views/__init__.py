"""The teaching views: each idea the notebook explains, drawn live for the example that is running.

Every view follows `base.TeachingView`: `applies(config)` (None, or why not), `show(config, source)`,
`mark_dirty()`, `redraw()`. Their numbers come from `engine.teaching`; the widgets only draw them.
"""

from .activations import ActivationsView
from .base import PlotView, TeachingView, TextView, ViewSource
from .hidden_units import HiddenUnitsView
from .loss_curve import LossCurveView
from .network import NetworkView
from .not_applicable import NotApplicable, applies_to

__all__ = ["ActivationsView", "PlotView", "TeachingView", "TextView", "ViewSource", "HiddenUnitsView", "LossCurveView", "NetworkView", "NotApplicable", "applies_to"]

#: The views in the order the app offers them.
VIEWS = (LossCurveView, NetworkView, ActivationsView, HiddenUnitsView)
VIEWS_BY_ID = {view.view_id: view for view in VIEWS}
__all__ += ["VIEWS", "VIEWS_BY_ID"]
