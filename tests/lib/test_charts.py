import xml.etree.ElementTree as ET
from decimal import Decimal

from diemen_sociaal.lib.charts import NO_VALUES_TEXT, TrendPoint, nice_ticks, trend_chart_svg

SVG = "{http://www.w3.org/2000/svg}"

VACCINATION = [
    TrendPoint("2021", Decimal("70.9"), "70,9%"),
    TrendPoint("2022", None, "NB"),
    TrendPoint("2023", Decimal("73.6"), "73,6%"),
    TrendPoint("2024 begroot", Decimal("75"), "75,0%"),
]


def chart(points: list[TrendPoint] = VACCINATION, **kwargs: object) -> ET.Element:
    options: dict = {"title": "Bereik vaccinaties", "description": "Stijgt.", **kwargs}
    return ET.fromstring(trend_chart_svg(points, **options))


def texts(root: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def test_it_contains_no_scripts_styles_or_event_handlers() -> None:
    svg = trend_chart_svg(VACCINATION, title="Bereik vaccinaties", description="Stijgt.")
    root = ET.fromstring(svg)
    tags = {element.tag for element in root.iter()}
    assert f"{SVG}script" not in tags
    assert f"{SVG}style" not in tags
    for element in root.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        assert "style" not in element.attrib
    assert "<script" not in svg
    assert "javascript" not in svg


def test_it_is_an_image_named_by_its_title_and_description() -> None:
    root = chart(title="Bereik vaccinaties", description="Stijgt van 70,9% naar 73,6%.")
    title, desc = root[0], root[1]
    assert root.get("role") == "img"
    assert (title.tag, title.text) == (f"{SVG}title", "Bereik vaccinaties")
    assert (desc.tag, desc.text) == (f"{SVG}desc", "Stijgt van 70,9% naar 73,6%.")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_two_charts_on_one_page_get_different_ids() -> None:
    first = chart(title="Bereik vaccinaties")
    second = chart(title="Deelname sport")
    assert first.get("id") != second.get("id")
    assert first[0].get("id") != second[0].get("id")


def test_it_scales_with_its_container() -> None:
    root = chart()
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("viewBox") == "0 0 480 250"


def test_the_y_axis_is_labelled_the_dutch_way() -> None:
    labels = texts(chart(percent=True, decimals=1))
    assert "20,0%" in labels
    assert not [label for label in labels if "." in label]


def test_the_y_axis_of_a_percentage_starts_at_zero() -> None:
    # 70,9% and 73,6% drawn from 72% would look like a leap; from 0 they do not.
    labels = texts(chart(percent=True, decimals=1))
    assert "0,0%" in labels and "80,0%" in labels


def test_the_y_axis_goes_below_zero_only_for_negative_values() -> None:
    points = [TrendPoint("2022", Decimal(-4), "-4"), TrendPoint("2023", Decimal(3), "3")]
    labels = texts(chart(points))
    assert "-4" in labels and "0" in labels


def test_the_target_is_drawn_as_a_dashed_line_beside_the_realisation() -> None:
    points = [
        TrendPoint("2021", Decimal("70.9"), "70,9%", target=Decimal(72)),
        TrendPoint("2022", Decimal("71.5"), "71,5%", target=Decimal(72)),
        TrendPoint("2023", Decimal("73.6"), "73,6%", target=Decimal(75)),
    ]
    root = chart(points, percent=True, decimals=1)
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    solid = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == "#154273"]
    assert len(dashed) == 1 and len(solid) == 1
    assert dashed[0].get("stroke") != solid[0].get("stroke")
    # The target's dots are hollow; value labels are the realisation's only (the target's
    # figures are in the table).
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 6
    assert [c.get("fill") for c in circles].count("#ffffff") == 3
    assert "75,0%" not in texts(root)
    # A target of one year is a hollow dot; without a target nothing of the kind is drawn.
    one = [
        TrendPoint("2022", Decimal(248), "248"),
        TrendPoint("2023", Decimal(240), "240", Decimal(250)),
    ]
    assert [c.get("fill") for c in chart(one).iter(f"{SVG}circle")].count("#ffffff") == 1
    assert not [p for p in chart().iter(f"{SVG}path") if p.get("stroke-dasharray")]


def test_large_numbers_group_thousands_with_a_point() -> None:
    points = [
        TrendPoint("2022", Decimal(1141), "1.141"),
        TrendPoint("2023", Decimal(1250), "1.250"),
    ]
    labels = texts(chart(points))
    assert "1.000" in labels
    assert "1.141" in labels


def test_points_are_labelled_with_their_display_text() -> None:
    labels = texts(chart(percent=True, decimals=1))
    assert "70,9%" in labels
    assert "73,6%" in labels


def test_an_unknown_value_is_a_gap_in_the_line() -> None:
    root = chart()
    lines = [path for path in root.iter(f"{SVG}path") if path.get("stroke") == "#154273"]
    assert len(lines) == 1  # 2023 to 2024; 2021 stands alone
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert "NB" not in texts(root)


def test_a_label_with_a_space_is_wrapped_onto_two_lines() -> None:
    tspans = [tspan.text for tspan in chart().iter(f"{SVG}tspan")]
    assert tspans == ["2024", "begroot"]


def test_a_chart_without_known_values_says_so() -> None:
    points = [TrendPoint("2022", None, "NB"), TrendPoint("2023", None, "N.n.b.")]
    root = chart(points)
    assert NO_VALUES_TEXT in texts(root)
    assert not list(root.iter(f"{SVG}circle"))


def test_a_chart_without_points_says_so() -> None:
    assert NO_VALUES_TEXT in texts(chart([]))


def test_a_single_point_is_drawn() -> None:
    root = chart([TrendPoint("2023", Decimal("73.6"), "73,6%")], percent=True, decimals=1)
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    assert "73,6%" in texts(root)
    assert "2023" in texts(root)


def test_the_same_input_gives_the_same_bytes() -> None:
    def render() -> str:
        return trend_chart_svg(VACCINATION, title="Bereik", description="Stijgt.", percent=True)

    assert render() == render()


def test_text_from_the_database_is_escaped() -> None:
    svg = trend_chart_svg(
        [TrendPoint("<b>2023</b>", Decimal(1), "<i>1</i>")],
        title="<script>alert(1)</script>",
        description="a & b",
    )
    assert "<script" not in svg
    assert chart(title="<script>x</script>")[0].text == "<script>x</script>"


def test_ticks_are_round_numbers_that_cover_the_values() -> None:
    assert nice_ticks(Decimal("70.9"), Decimal("73.6")) == [70, 71, 72, 73, 74]
    assert nice_ticks(Decimal(900), Decimal(1296)) == [900, 1000, 1100, 1200, 1300]
    assert nice_ticks(Decimal(0), Decimal(0)) == [-1, Decimal("-0.5"), 0, Decimal("0.5"), 1]
