"""A high-contrast theme for low vision and glare: white on black, bright accents that
never carry meaning alone (statuses keep their symbols)."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="schedtui-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    success="#00FF00",
    warning="#FFA500",
    error="#FF5555",
    boost="#333333",
    dark=True,
    variables={
        "text-muted": "#E0E0E0",
        "border": "#FFFF00",
        "border-blurred": "#B0B0B0",
        "surface-darken-1": "#000000",
        "footer-key-foreground": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "input-selection-background": "#FFFF00 50%",
    },
)

#: Themes schedtui adds to Textual's own.
THEMES = (HIGH_CONTRAST,)
