"""Palette, sizes and text measurement shared by the layout and the renderers."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from PIL import ImageFont

# style -> (header fill, border colour)
NODE_COLORS: dict[str, tuple[str, str]] = {
    "input": ("#d4e8f8", "#2c6b9e"),
    "layer": ("#e9edf2", "#3b4657"),
    "op": ("#fcf1c2", "#94720c"),
    "model": ("#d5efd1", "#357a32"),
}
BODY_FILL = "#ffffff"
CLUSTER_FILL = "#f3faf2"
CLUSTER_BORDER = "#357a32"
BACKGROUND = "#ffffff"
TEXT_COLOR = "#1b2230"
KEY_COLOR = "#5b6576"
RULE_COLOR = "#d5dbe3"
EDGE_COLOR = "#4a5466"
LABEL_COLOR = "#3d4759"
TEXT_COLORS: dict[str, str] = {
    "title": TEXT_COLOR,
    "graph_title": TEXT_COLOR,
    "cluster": CLUSTER_BORDER,
    "key": KEY_COLOR,
    "value": TEXT_COLOR,
    "label": LABEL_COLOR,
}
FONT_FAMILY_SVG = "Aileron, 'Helvetica Neue', Helvetica, Arial, sans-serif"


@functools.lru_cache(maxsize=32)
def load_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled scalable default font at ``size`` pixels.

    Args:
        size: Font size in pixels.
    """
    return ImageFont.load_default(size=max(1, int(size)))


def clean_text(text: str) -> str:
    """Replace control characters (other than newlines) so every backend can show the text.

    Args:
        text: Raw user text.
    """
    text = text.replace("\r\n", "\n").replace("\t", "    ")
    return "".join(ch if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs") else "?" for ch in text)


@dataclass(frozen=True)
class Theme:
    """Geometry and fonts for one dpi; every length is in output pixels.

    Args:
        dpi: Output resolution; 96 is the reference size.
    """

    dpi: int = 96

    @property
    def scale(self) -> float:
        """Multiplier from reference (96 dpi) pixels to output pixels."""
        return self.dpi / 96.0

    def px(self, value: float) -> float:
        """Scale a reference length to output pixels.

        Args:
            value: Length at 96 dpi.
        """
        return value * self.scale

    @property
    def bold_stroke(self) -> float:
        """Stroke width that makes the regular font look semi-bold."""
        return round(self.px(0.3), 2)

    def font_for(self, role: str) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        """Font used for a text role.

        Args:
            role: ``"title"``, ``"cluster"``, ``"graph_title"``, ``"key"``, ``"value"`` or ``"label"``.
        """
        return load_font(self.font_px(role))

    def is_bold(self, role: str) -> bool:
        """Whether a text role is drawn semi-bold.

        Args:
            role: Text role name.
        """
        return role in ("title", "cluster", "graph_title")

    def font_px(self, role: str) -> int:
        """Nominal pixel size of a role's font (used by the SVG writer).

        Args:
            role: Text role name.
        """
        if role == "graph_title":
            return round(self.px(17))
        return round(self.px(14)) if self.is_bold(role) else round(self.px(12))

    def line_height(self, role: str) -> float:
        """Distance between baselines of consecutive lines.

        Args:
            role: Text role name.
        """
        ascent, descent = self.metrics(role)
        return ascent + descent + self.px(2)

    def metrics(self, role: str) -> tuple[float, float]:
        """``(ascent, descent)`` of the role's font in pixels.

        Args:
            role: Text role name.
        """
        font = self.font_for(role)
        if isinstance(font, ImageFont.FreeTypeFont):
            ascent, descent = font.getmetrics()
            return float(ascent), float(descent)
        box = font.getbbox("Ag")
        return float(box[3]), 2.0

    def text_width(self, text: str, role: str) -> float:
        """Rendered width of one line of text.

        Args:
            text: A single line.
            role: Text role name.
        """
        if not text:
            return 0.0
        width = float(self.font_for(role).getlength(text))
        if self.is_bold(role):
            width += 2 * self.bold_stroke
        return width

    def wrap(self, text: str, role: str, max_width: float) -> list[str]:
        """Split text into lines no wider than ``max_width``, preferring breaks after commas/spaces.

        Args:
            text: Text, possibly containing newlines.
            role: Text role name (selects the font).
            max_width: Maximum line width in pixels.
        """
        lines: list[str] = []
        for para in clean_text(text).split("\n"):
            if self.text_width(para, role) <= max_width:
                lines.append(para)
                continue
            current = ""
            for token in re.findall(r"[^,\s]*[,\s]+|[^,\s]+", para):
                candidate = current + token
                if current and self.text_width(candidate.rstrip(), role) > max_width:
                    lines.append(current.rstrip())
                    current = token.lstrip()
                else:
                    current = candidate
                while self.text_width(current.rstrip(), role) > max_width and len(current) > 1:
                    cut = len(current) - 1
                    while cut > 1 and self.text_width(current[:cut], role) > max_width:
                        cut -= 1
                    lines.append(current[:cut])
                    current = current[cut:]
            lines.append(current.rstrip())
        return lines
