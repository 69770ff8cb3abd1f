"""Small trend charts of one indicator over the years, as static SVG.

pygal lays the chart out; we then make its SVG static and self-contained, so
the same markup works inline on a public page and in a WeasyPrint PDF:

- no <script> and no on* attributes, so a Content-Security-Policy without
  inline scripts holds;
- no <style>: pygal's CSS (scoped by a random id, full of hover rules and
  transitions) is replaced by presentation attributes, which CSP does not
  govern, which cannot leak into the page and which WeasyPrint reads;
- no random ids and no dated comments, so an adopted report's PDF is
  reproducible byte for byte.

The page shows a table with the same numbers beside the chart, so the chart is
an image with a title and a summary, not the only way to read the values.
"""

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pygal
from pygal.style import Style

from .dutch import format_number

SVG_NS = "http://www.w3.org/2000/svg"
NO_VALUES_TEXT = "Geen bekende waarden"
WIDTH, HEIGHT = 480, 250
FONT_FAMILY = '"Liberation Sans", "DejaVu Sans", Arial, sans-serif'
FONT_SIZE = 14

# Rijkshuisstijl blue for the line, dark grey text (12:1 against white), light grid
# lines that stay in the background.
STYLE = Style(
    background="none",
    plot_background="none",
    foreground="#333333",
    foreground_subtle="#d9d9d9",
    colors=("#154273",),
    font_family=FONT_FAMILY,
    label_font_size=FONT_SIZE - 1,  # ten years fit side by side
    major_label_font_size=FONT_SIZE - 1,
    value_font_size=FONT_SIZE,
    no_data_font_size=FONT_SIZE + 2,
)


TARGET_SERIES = "Doel"
TARGET_COLOUR = "#333333"


@dataclass(frozen=True)
class TrendPoint:
    label: str  # x label, e.g. "2021" or "2023 begroot"
    value: Decimal | None  # None is not known: a gap, not zero
    display: str  # the value as printed in Dutch, e.g. "73,6%" or "NB"
    # The year's target in the same unit, drawn as a dashed line; None: none to draw.
    target: Decimal | None = None


def trend_chart_svg(
    points: Sequence[TrendPoint],
    *,
    title: str,
    description: str,
    percent: bool = False,
    decimals: int = 0,
) -> str:
    """An accessible, script-free SVG line chart of `points`, same output for same input.

    `title` and `description` become the chart's <title> and <desc>, its
    accessible name and description. The y axis is labelled in Dutch with at
    least `decimals` decimals; each known point is labelled with its `display`.
    """
    chart = _line_chart(points, percent=percent, decimals=decimals)
    root = ET.fromstring(chart.render())  # drops pygal's comments, one of them dated
    chart_id = _chart_id(points, title, description)
    return _make_static(root, chart_id=chart_id, title=title, description=description)


def _line_chart(points: Sequence[TrendPoint], *, percent: bool, decimals: int) -> pygal.Line:
    known = [point.value for point in points if point.value is not None]
    targets = [point.target for point in points if point.target is not None]
    chart = pygal.Line(
        style=STYLE,
        width=WIDTH,
        height=HEIGHT,
        margin=12,
        show_legend=False,
        show_y_labels=bool(known),
        js=[],
        css=[],
        disable_xml_declaration=True,
        allow_interruptions=True,  # a None breaks the line instead of bridging it
        dots_size=4,
        print_values=True,
        truncate_label=-1,  # long x labels wrap onto two lines instead
        margin_top=FONT_SIZE + 16,  # room for the value label of the highest point
        margin_bottom=FONT_SIZE + 8 if any(" " in p.label for p in points) else 8,
        no_data_text=NO_VALUES_TEXT,
    )
    # pygal puts the first and last point on the plot's edges, where their labels would
    # collide with the y axis; an empty slot on either side keeps them clear.
    chart.x_labels = ["", *(point.label for point in points), ""]
    chart.add("", [None, *(_pygal_value(point) for point in points), None])
    if known and targets:
        chart.add(
            TARGET_SERIES,
            [None, *(_float(point.target) for point in points), None],
            # A target of one year only is a point, not a line: it gets a (hollow) dot.
            dots_size=4,
            print_values=False,
        )
    if known:
        drawn = known + targets
        # Counts, rates and percentages are drawn from 0, so that a small change does not
        # look like a large one; only a series with negative values starts lower.
        ticks = nice_ticks(min(Decimal(0), *drawn), max(drawn))
        tick_decimals = max(decimals, _decimals_of(ticks[1] - ticks[0]))
        chart.range = (float(ticks[0]), float(ticks[-1]))
        chart.y_labels = [
            {"value": float(tick), "label": _format(tick, tick_decimals, percent)} for tick in ticks
        ]
    return chart


def nice_ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    """Round tick values that cover low..high in about four steps of 1, 2 or 5 times 10^n."""
    if low == high:
        # One value, or all the same: show a band around it.
        margin = abs(low) / 10 or Decimal(1)
        low, high = low - margin, high + margin
    rough = (high - low) / 4
    magnitude = Decimal(1).scaleb(rough.adjusted())
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    first = (low / step).to_integral_value(ROUND_FLOOR) * step
    last = (high / step).to_integral_value(ROUND_CEILING) * step
    count = int((last - first) / step)
    return [first + i * step for i in range(count + 1)]


def _decimals_of(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _format(value: Decimal, decimals: int, percent: bool) -> str:
    return format_number(value, decimals) + ("%" if percent else "")


def _float(number: Decimal | None) -> float | None:
    return None if number is None else float(number)


def _pygal_value(point: TrendPoint) -> dict[str, object] | None:
    if point.value is None:
        return None
    return {"value": float(point.value), "formatter": lambda _value: point.display}


def _chart_id(points: Sequence[TrendPoint], title: str, description: str) -> str:
    """An id that is stable for the same chart and differs between charts on one page."""
    key = repr((title, description, [(p.label, str(p.value), str(p.target)) for p in points]))
    return "trend-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _make_static(root: ET.Element, *, chart_id: str, title: str, description: str) -> str:
    for element in root.iter():
        # Plain tag names, with xmlns written back as an attribute below: ElementTree cannot
        # write a default namespace when attributes have none.
        element.tag = element.tag.rpartition("}")[2]
    _remove_interactive_parts(root)
    _paint(root)
    _paint_target(root)
    _place_value_labels(root)
    _tidy_x_labels(root)
    for element in root.iter():
        element.attrib.pop("class", None)  # page CSS must not reach pygal's generic class names
    _describe(root, chart_id=chart_id, title=title, description=description)
    return ET.tostring(root, encoding="unicode")


def _find(root: ET.Element, *classes: str) -> list[ET.Element]:
    """The elements that have all of `classes`, in document order."""
    wanted = set(classes)
    return [e for e in root.iter() if wanted <= set(e.get("class", "").split())]


def _remove_interactive_parts(root: ET.Element) -> None:
    """Drop scripts, CSS, tooltips and event handlers, and pygal's own titles."""
    dropped_tags = {"defs", "script", "style", "title", "desc"}
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in dropped_tags or "tooltip-overlay" in child.get("class", ""):
                parent.remove(child)
    # Only the horizontal grid lines stay: pygal's CSS shows the vertical ones on hover only,
    # and its x axis line would run just below the lowest grid line.
    for axis in _find(root, "axis"):
        horizontal = "y" in axis.get("class", "").split()
        for group in list(axis.iter()):
            for path in group.findall("path"):
                if not (horizontal and "guide" in path.get("class", "").split()):
                    group.remove(path)
    for element in root.iter():
        for name in [n for n in element.attrib if n.lower().startswith("on") or n == "style"]:
            del element.attrib[name]


def _paint(root: ET.Element) -> None:
    """What pygal's CSS would do, as presentation attributes (inherited from the root)."""
    root.attrib.update(
        {
            "font-family": STYLE.font_family,
            "font-size": str(FONT_SIZE),
            "fill": STYLE.foreground,
            "text-anchor": "middle",
        }
    )
    for element in root.iter():
        tag, classes = element.tag, set(element.get("class", "").split())
        if tag == "rect":
            element.set("fill", STYLE.background)
        elif tag == "path" and "reactive" in classes:  # the trend line itself
            element.attrib.update(
                {
                    "fill": "none",
                    "stroke": STYLE.colors[0],
                    "stroke-width": "3",
                    "stroke-linejoin": "round",
                    "stroke-linecap": "round",
                }
            )
        elif tag == "path":  # a grid line
            element.attrib.update(
                {"fill": "none", "stroke": STYLE.foreground_subtle, "stroke-width": "1"}
            )
        elif tag == "circle":
            element.set("fill", STYLE.colors[0])
    for axis in _find(root, "axis"):
        axis.set("font-size", str(STYLE.label_font_size))
    for axis in _find(root, "axis", "y"):
        for text in axis.iter("text"):
            text.set("text-anchor", "end")
    for text in _find(root, "no_data"):
        text.set("font-size", str(STYLE.no_data_font_size))


def _paint_target(root: ET.Element) -> None:
    """The target: a dashed dark line, told apart from the realisation by shape, not colour."""
    for series in _find(root, "serie-1"):
        for path in series.iter("path"):
            path.attrib.update(
                {"stroke": TARGET_COLOUR, "stroke-width": "2", "stroke-dasharray": "7 5"}
            )
        for dot in series.iter("circle"):
            dot.attrib.update({"fill": "#ffffff", "stroke": TARGET_COLOUR, "stroke-width": "2"})
        # Its figures are in the table beside the chart; labels would crowd the realisation's.
        for group in list(series.iter()):
            for label in [child for child in group if "value" in child.get("class", "").split()]:
                group.remove(label)


def _place_value_labels(root: ET.Element) -> None:
    """Centre each value label above its dot, or below it in a dip, on a white halo.

    pygal puts the labels below right of their dots, where the line runs through them.
    """
    plot_height = _plot_height(root)
    dots = [dot for series in _find(root, "serie-0") for dot in _find(series, "dot")]
    heights = [float(dot.get("cy", "0")) for dot in dots]
    parents = {child: parent for parent in root.iter() for child in parent}
    labels = [label for series in _find(root, "serie-0") for label in _find(series, "value")]
    for i, label in enumerate(labels):
        y = heights[i]
        dip = 0 < i < len(dots) - 1 and y > max(heights[i - 1], heights[i + 1])
        below = dip and y + 2 * FONT_SIZE < plot_height
        label.attrib.update(
            {
                "x": dots[i].get("cx", "0"),
                "y": str(y + FONT_SIZE + 8 if below else y - 10),
                "text-anchor": "middle",
                "fill": STYLE.colors[0],
                "font-weight": "bold",
            }
        )
        # A copy drawn first with a wide white outline keeps the label legible over the line.
        halo = ET.Element("text", label.attrib)
        halo.attrib.update({"stroke": "#ffffff", "stroke-width": "4", "stroke-linejoin": "round"})
        halo.text = label.text
        parent = parents[label]
        parent.insert(list(parent).index(label), halo)


def _plot_height(root: ET.Element) -> float:
    background = _find(root, "plot")[0].find("rect")
    return float(background.get("height", "0")) if background is not None else 0.0


def _tidy_x_labels(root: ET.Element) -> None:
    """Drop the empty padding slots' labels; put "2023 begroot" on two lines, so ten fit."""
    for axis in _find(root, "axis", "x"):
        for group in list(axis):
            if not group.findtext("text"):
                axis.remove(group)
        for text in axis.iter("text"):
            first, _, rest = (text.text or "").partition(" ")
            if not rest:
                continue
            text.text = None
            x = text.get("x", "0")
            ET.SubElement(text, "tspan", x=x).text = first
            ET.SubElement(text, "tspan", x=x, dy="1.2em").text = rest


def _describe(root: ET.Element, *, chart_id: str, title: str, description: str) -> None:
    """Make the chart one image named by its <title> and <desc>, sized by its container."""
    root.attrib.update(
        {
            "xmlns": SVG_NS,
            "id": chart_id,
            "class": "trend-chart",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        }
    )
    title_element = ET.Element("title", id=f"{chart_id}-title")
    title_element.text = title
    desc_element = ET.Element("desc", id=f"{chart_id}-desc")
    desc_element.text = description
    root.insert(0, title_element)
    root.insert(1, desc_element)


@dataclass(frozen=True)
class BarSeries:
    name: str  # in the description and the caption: "begroting na wijziging"
    values: Sequence[Decimal | None]  # one per label; None is no bar (not entered)
    displays: Sequence[str]  # each value as printed


# The first series solid, the second an open bar with a dark outline: told apart by shape.
BAR_FILLS = ((STYLE.colors[0], STYLE.colors[0]), ("#ffffff", TARGET_COLOUR))
BAR_HEIGHT = 26


def bar_chart_svg(
    labels: Sequence[str], series: Sequence[BarSeries], *, title: str, description: str
) -> str:
    """An accessible, script-free SVG of horizontal bars, two series side by side per label.

    Each bar is labelled with its display text; the chart grows with the number of labels.
    Same output for the same input (see the module's notes).
    """
    known = [v for s in series for v in s.values if v is not None]
    chart = pygal.HorizontalBar(
        style=STYLE,
        width=WIDTH + 160,
        height=60 + len(labels) * len(series) * BAR_HEIGHT,
        margin=12,
        show_legend=False,
        show_y_labels=bool(known),
        js=[],
        css=[],
        disable_xml_declaration=True,
        print_values=True,
        truncate_label=-1,
        no_data_text=NO_VALUES_TEXT,
    )
    # pygal draws the first label at the bottom; the reader expects the table's order.
    chart.x_labels = list(reversed(labels))
    for one in series:
        chart.add(
            one.name,
            [
                None if value is None else {"value": float(value), "formatter": _shown(shown)}
                for value, shown in reversed(list(zip(one.values, one.displays, strict=True)))
            ],
        )
    if known:
        # Room past the longest bar for its label.
        ticks = nice_ticks(min(Decimal(0), *known), max(known) * Decimal("1.2"))
        chart.range = (float(ticks[0]), float(ticks[-1]))
        chart.y_labels = [{"value": float(t), "label": format_number(t)} for t in ticks]
    root = ET.fromstring(chart.render())
    key = repr((title, description, list(labels), [(s.name, list(s.values)) for s in series]))
    chart_id = "staaf-" + hashlib.sha256(key.encode()).hexdigest()[:12]
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    _remove_interactive_parts(root)
    _paint(root)
    for index, (fill, stroke) in enumerate(BAR_FILLS):
        groups = _find(root, f"serie-{index}")
        rects = [rect for group in groups for rect in group.iter("rect")]
        values = [text for group in groups for text in _find(group, "value")]
        for rect, text in zip(rects, values, strict=False):
            rect.attrib.update({"fill": fill, "stroke": stroke, "stroke-width": "2"})
            # The label just past the end of its bar, where it overlaps nothing.
            x = float(rect.get("x", "0")) + float(rect.get("width", "0")) + 6
            y = float(rect.get("y", "0")) + float(rect.get("height", "0")) / 2 + FONT_SIZE / 3
            text.attrib.update(
                {"x": f"{x:.1f}", "y": f"{y:.1f}", "text-anchor": "start", "fill": STYLE.foreground}
            )
    for axis in _find(root, "axis", "x"):
        for text in axis.iter("text"):
            text.set("text-anchor", "end")
    # A horizontal chart draws its labels (the lines' names) on its y axis.
    for axis in _find(root, "axis", "y"):
        for text in axis.iter("text"):
            _wrap(text)
    for element in root.iter():
        element.attrib.pop("class", None)
    _describe(root, chart_id=chart_id, title=title, description=description)
    return ET.tostring(root, encoding="unicode")


# A line's name longer than this goes on two lines, so that it keeps its room beside the
# bars when a phone draws the chart's text larger (static/css/site.css).
WRAP_AT = 24


def _wrap(text: ET.Element) -> None:
    """Two lines for a long label, split at the space nearest its middle: "Toevoegingen
    aan" over "reserves (structureel)", each a <tspan> of the label's <text>."""
    words = (text.text or "").split(" ")
    if len(text.text or "") <= WRAP_AT or len(words) < 2:
        return
    middle = len(text.text or "") / 2
    split = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - middle))
    x = text.get("x", "0")
    text.text = None
    first, second = " ".join(words[:split]), " ".join(words[split:])
    for part, dy in ((first, "-0.45em"), (second, "1.1em")):
        ET.SubElement(text, "tspan", {"x": x, "dy": dy}).text = part


def _shown(text: str) -> object:
    return lambda _value: text
