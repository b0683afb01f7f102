"""The network: every node a dot product of its inputs and its weights, plus a bias, through an activation.

The layers stand side by side, one row per unit. A row shows the weights coming into that unit as a strip of
cells (one per input, in the order of the previous layer's units: blue positive, red negative, ░▒▓█ from
small to large within the layer), then its bias, then the value it passes on for the chosen input x. Under
the net, the selected node's arithmetic as the seed writes it, with the current weights:

    h1 = 0.82·(−1.3) + 0.11·(2.0) + b(0.40) = −0.45
    relu(−0.45) = 0

Keys while the view has focus: left / right a layer, up / down a unit, [ / ] (or , / .) the input x, over
the training data's x values.
"""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text
from textual.binding import Binding

from engine import RunConfig, make_data, teaching

from .base import NEGATIVE, POSITIVE, TextView, hex_

short = teaching.short_number
MINUS = "\u2212"

MAX_CELLS = 16  # weight cells drawn per row; a wider layer shows the first ones and "…"
MAX_X_STOPS = 21  # the x values [ and ] step through: the data's own x, or this many across its range
MAX_TERMS = 12  # a node with more inputs writes its largest terms and sums the rest
GAP = 3  # columns between layers
BARS = "▁▂▃▄▅▆▇█"  # |w| / (the layer's largest |w| or |b|): an eighth each, taller for larger

DIM = "#8a8a8a"
ACCENT = "bold reverse"


def shade(value: float, scale: float) -> tuple[str, str]:
    """(glyph, colour) for a weight: a taller bar for a larger share of the layer's largest, colour by sign."""
    if not math.isfinite(value):
        return "?", DIM
    if value == 0 or scale <= 0:
        return "·", DIM
    share = min(1.0, abs(value) / scale)
    glyph = BARS[min(len(BARS) - 1, int(share * len(BARS)))]
    return glyph, hex_(POSITIVE if value > 0 else NEGATIVE)


def _factor(value: float) -> str:
    text = short(value)
    return f"({text})" if text.startswith(MINUS) else text


def node_lines(terms, max_terms: int = MAX_TERMS) -> list[str]:
    """The node's arithmetic as the seed writes it (engine.teaching.format_node); with more than `max_terms`
    inputs, the largest terms (by |weight · input|) in input order and the rest summed in one term."""
    n = len(terms.weights)
    if n <= max_terms:
        return teaching.format_node(terms)
    keep = max(1, max_terms - 1)
    order = np.argsort(-np.abs(np.nan_to_num(terms.products, nan=np.inf)), kind="stable")[:keep]
    chosen = sorted(int(i) for i in order)
    rest = float(np.sum(np.delete(terms.products, chosen)))
    parts = [f"{_factor(terms.weights[i])}·({short(terms.inputs[i])})" for i in chosen]
    parts.append(f"({n - keep} more terms: {short(rest)})")
    parts.append(f"b({short(terms.bias)})")
    lines = [f"{terms.name} = {' + '.join(parts)} = {short(terms.z)}"]
    if terms.activation != "identity":
        lines.append(f"{terms.activation}({short(terms.z)}) = {short(terms.a)}")
    return lines


def wrap_sum(line: str, width: int, indent: int = 4) -> list[str]:
    """A formula line wrapped between its terms (after " + "), never inside a number."""
    if len(line) <= width:
        return [line]
    pieces = line.split(" + ")
    out, current = [], pieces[0]
    for i, piece in enumerate(pieces[1:], start=1):
        candidate = f"{current} + {piece}"
        tail = 0 if i == len(pieces) - 1 else 2  # room for the " +" that ends a wrapped line
        if len(candidate) + tail <= width:
            current = candidate
        else:
            out.append(current + " +")
            current = " " * indent + piece
    out.append(current)
    return out


class NetworkView(TextView):
    """The net's layers as rows of weight cells, and the selected node's dot product."""

    view_id = "network"
    view_title = "Network"

    BINDINGS = [
        Binding("left", "layer(-1)", "Layer left", show=False),
        Binding("right", "layer(1)", "Layer right", show=False),
        Binding("up", "unit(-1)", "Unit up", show=False),
        Binding("down", "unit(1)", "Unit down", show=False),
        Binding("left_square_bracket,comma", "x(-1)", "x down", show=False),
        Binding("right_square_bracket,full_stop", "x(1)", "x up", show=False),
    ]

    layer = 0  # the selected node: its Linear layer (0 = the first) and unit
    unit = 0
    x_index = 0
    x_stops: np.ndarray = np.zeros(1)
    _data_y: dict[float, float] = {}

    @staticmethod
    def applies(config: RunConfig) -> str | None:
        if not config.example.is_torch:
            return ("it has no network: one weight w, nudged by hand, and the prediction is w·x "
                    "(no layers, no bias, no activation)")
        return None

    # -- selection --------------------------------------------------------------------------------------------

    def on_show(self, config_changed: bool) -> None:
        config = self.config
        if not config_changed or config is None or not config.example.is_torch:
            return
        data = make_data(config)
        xs = np.unique(np.asarray(data.x, np.float64))
        if len(xs) > MAX_X_STOPS:
            xs = np.linspace(config.x_min, config.x_max, MAX_X_STOPS)
        self.x_stops = xs
        self._data_y = {float(x): float(y) for x, y in zip(data.x, data.y)}
        self.x_index = int(round(0.7 * (len(xs) - 1)))
        sizes = config.layer_sizes
        self.layer = min(self.layer, len(sizes) - 2)
        self.unit = min(self.unit, sizes[self.layer + 1] - 1)

    @property
    def x(self) -> float:
        return float(self.x_stops[self.x_index])

    @property
    def sizes(self) -> tuple[int, ...]:
        return self.config.layer_sizes if self.config is not None else (1, 1)

    def select(self, layer: int | None = None, unit: int | None = None, x_index: int | None = None) -> None:
        """Select a node (layer, unit) and an input (an index into `x_stops`), held within the net."""
        sizes = self.sizes
        if layer is not None:
            self.layer = max(0, min(len(sizes) - 2, layer))
        if unit is not None:
            self.unit = unit
        self.unit = max(0, min(sizes[self.layer + 1] - 1, self.unit))
        if x_index is not None:
            self.x_index = max(0, min(len(self.x_stops) - 1, x_index))
        self.mark_dirty()
        self.redraw()  # at once: a paused or finished run has no timer to do it

    def action_layer(self, step: int) -> None:
        self.select(layer=self.layer + step)

    def action_unit(self, step: int) -> None:
        self.select(unit=self.unit + step)

    def action_x(self, step: int) -> None:
        self.select(x_index=self.x_index + step)

    # -- text -------------------------------------------------------------------------------------------------

    def render_view(self, width: int, height: int) -> Text:
        config = self.config
        if config is None:
            return Text("no example loaded", style=DIM)
        if not config.example.is_torch:
            return Text(self.applies(config) or "", style=DIM)
        flat = self._params()
        sizes, acts = config.layer_sizes, config.activations
        if flat is not None and not np.isfinite(flat).all():
            return Text("The run blew up: its weights are not numbers any more, so there is no arithmetic to "
                        "show. Press r and lower the learning rate (-).", style=DIM)
        net = teaching.network_view(flat, sizes, acts, self.x) if flat is not None else None
        formula = self._formula(flat, width, height)
        header = self._header(net, width)
        if width >= 66:
            legend = Text.assemble(("each row: weights in (", DIM), ("▆", hex_(POSITIVE)), (" + ", DIM),
                                   ("▆", hex_(NEGATIVE)), (" −, taller = larger) │ bias, output", DIM))
        else:
            legend = Text.assemble(("weights in ", DIM), ("▆", hex_(POSITIVE)), ("+ ", DIM), ("▆", hex_(NEGATIVE)),
                                   ("− │ bias, output", DIM))
        legend.truncate(width, overflow="ellipsis")
        room = height - len(formula) - 2  # header, column titles
        show_legend = room - 1 >= min(max(sizes[1:]), 3)
        rows = max(1, room - (1 if show_legend else 0))
        grid = self._grid(net, width, rows)
        lines = [header, *grid]
        if show_legend:
            lines.append(legend)
        spare = height - len(lines) - len(formula)
        small = flat is not None and len(sizes) > 2  # a one-node model's whole way is its one formula
        whole = self._whole_way(flat, width, spare + len(formula)) if small else None
        lines.extend(whole or formula)
        lines = lines[:max(1, height)] if len(lines) > height else lines
        for line in lines:  # one row each: Textual would wrap a longer one
            line.truncate(width, overflow="ellipsis")
        out = Text("\n").join(lines)
        out.no_wrap = True
        out.overflow = "ellipsis"
        return out

    def _header(self, net, width: int) -> Text:
        x = self.x
        narrow = width < 60
        text = Text.assemble(("x = ", DIM), (short(x), "bold"))
        if net is not None:
            text.append(": " if narrow else ": the net predicts ", style=DIM)
            text.append(f"y = {short(net.output)}", style="bold")
            if x in self._data_y:
                text.append(f", data {short(self._data_y[x])}" if narrow else f"  (data: {short(self._data_y[x])})",
                            style=DIM)
        hint = "  keys ←→ ↑↓ [ ]"
        if len(text.plain) + len(hint) <= width:
            text.append(" " * (width - len(text.plain) - len(hint)) + hint, style=DIM)
        text.truncate(width, overflow="ellipsis")
        return text

    def _formula(self, flat, width: int, height: int) -> list[Text]:
        config = self.config
        sizes, acts = config.layer_sizes, config.activations
        if flat is None:
            name = self._unit_name(self.layer, self.unit)
            first = "w·(x)" if self.layer == 0 else "w1·(" + self._unit_name(self.layer - 1, 0) + ") + …"
            return [Text(f"{name} = {first} + b", style="bold"),
                    Text("press space to start: the weights appear once the model is built", style=DIM)]
        terms = teaching.node_terms(flat, sizes, acts, self.x, self.layer, self.unit)
        budget = max(2, (height - 2) // 2)  # the formula may take up to about half the view
        max_terms = MAX_TERMS
        while True:
            wrapped = [w for line in node_lines(terms, max_terms) for w in wrap_sum(line, width)]
            if len(wrapped) <= budget or max_terms <= 2:
                break
            max_terms = max(2, max_terms // 2)
        return [Text(line, style="bold") for line in wrapped]

    def _whole_way(self, flat, width: int, room: int) -> list[Text] | None:
        """Every node's arithmetic for x, layer by layer (engine.teaching.explain_lines), the selected node's
        in bold, when it all fits in `room` rows (small nets); else None."""
        config = self.config
        sizes = config.layer_sizes
        if sum(sizes[1:]) > room:
            return None
        terms = teaching.node_terms(flat, sizes, config.activations, self.x, self.layer, self.unit)
        selected = {"  " + line for line in teaching.format_node(terms)}
        out: list[Text] = []
        for line in teaching.explain_lines(flat, sizes, config.activations, self.x)[1:]:  # x is in the header
            node = line.startswith("  ")
            style = "bold" if line in selected else ("" if node else DIM)
            for piece in wrap_sum(line, width, indent=6):
                out.append(Text(piece, style=style))
            if len(out) > room:
                return None
        return out

    def _unit_name(self, layer: int, unit: int) -> str:
        sizes = self.sizes
        if layer == len(sizes) - 2:
            return "y" if sizes[-1] == 1 else f"y{unit + 1}"
        return f"h{unit + 1}" if len(sizes) == 3 else f"h{layer + 1}_{unit + 1}"

    def _column(self, net, layer: int, rows: int, max_cells: int = MAX_CELLS) -> list[Text]:
        """One layer: a title, then a row per unit (a window of them when they do not all fit)."""
        sizes = self.sizes
        n_in, n_out = sizes[layer], sizes[layer + 1]
        last = layer == len(sizes) - 2
        act = "" if last else self.config.activations[layer]
        title = Text("output" if last else f"layer {layer + 1} {act}", style="bold" if layer == self.layer else DIM)
        # the window of units shown
        start, count = 0, n_out
        if n_out > rows:
            count = max(1, rows - 1)  # one row says how many more
            if layer == self.layer and self.unit >= count:
                count = max(1, rows - 2)  # one row above, one below
                start = min(self.unit - count // 2, n_out - count)
                start = max(1, start)
        if net is not None:
            view = net.layers[layer]
            scale = max(view.max_abs_weight, float(np.nanmax(np.abs(view.bias))) if n_out else 0.0)
        out = [title]
        if start > 0:
            out.append(Text(f"  ↑ {start} more", style=DIM))
        units = range(start, min(n_out, start + count))
        name_width = max(len(self._unit_name(layer, unit)) for unit in units)
        for unit in units:
            name = self._unit_name(layer, unit)
            row = Text()
            selected = layer == self.layer and unit == self.unit
            row.append(name, style=ACCENT if selected else "")
            row.append(" " * (name_width - len(name) + 1))
            shown = min(n_in, max_cells)
            if net is not None:
                weights = view.weight[unit]
                for i in range(shown if n_in <= max_cells else max_cells - 1):
                    row.append(*shade(float(weights[i]), scale))
                if n_in > max_cells:
                    row.append("…", style=DIM)
                row.append("│", style=DIM)
                row.append(*shade(float(view.bias[unit]), scale))
                row.append(f" {short(view.a[unit])}", style="bold" if selected else "")
            else:
                row.append("·" * shown + "│·", style=DIM)
            out.append(row)
        hidden_below = n_out - (start + count)
        if hidden_below > 0:
            out.append(Text(f"  ↓ {hidden_below} more", style=DIM))
        return out

    def _grid(self, net, width: int, rows: int) -> list[Text]:
        """The layers side by side, as many as fit in `width` around the selected one."""
        n_layers = len(self.sizes) - 1
        # the selected layer and the one feeding it at least (fewer weight cells a row if need be), then
        # neighbours outward while they fit, so the layers shown always read left to right without a gap
        for max_cells in (MAX_CELLS, 10, 6, 4):
            columns = {layer: self._column(net, layer, rows, max_cells) for layer in range(n_layers)}
            widths = {layer: max(len(t.plain) for t in col) for layer, col in columns.items()}
            lo = hi = self.layer
            used = widths[self.layer]
            grew = True
            while grew:
                grew = False
                for side in (-1, 1):
                    layer = lo - 1 if side < 0 else hi + 1
                    if 0 <= layer < n_layers and used + GAP + widths[layer] <= width - 2:
                        used += GAP + widths[layer]
                        lo, hi = min(lo, layer), max(hi, layer)
                        grew = True
            if self.layer == 0 or lo < self.layer:
                break
        chosen = list(range(lo, hi + 1))
        height = max(len(columns[layer]) for layer in chosen)
        lines = []
        for r in range(height):
            line = Text()
            if chosen[0] > 0:
                line.append("‹ " if r == 0 else "  ", style=DIM)
            for k, layer in enumerate(chosen):
                col = columns[layer]
                cell = col[r] if r < len(col) else Text()
                if k:
                    line.append(" " * GAP)
                line.append_text(cell)
                line.append(" " * (widths[layer] - len(cell.plain)))
            if chosen[-1] < n_layers - 1 and r == 0:
                more = n_layers - 1 - chosen[-1]
                line.append(f" › {more} more", style=DIM)
            line.rstrip()
            lines.append(line)
        return lines
