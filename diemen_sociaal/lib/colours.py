"""The municipality's colour: checked for contrast, and a darker shade for hover states."""

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.1 AA for normal text: white text on the colour needs this contrast ratio.
MIN_CONTRAST = 4.5


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    """Relative luminance as WCAG defines it."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


def darker(colour: str, factor: float = 0.65) -> str:
    """The same colour, darker: for hover and for headings."""
    return "#" + "".join(f"{round(c * factor):02x}" for c in _channels(colour))
