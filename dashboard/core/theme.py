"""Colours and fonts shared by every map, chart and legend."""

PALETTE = ("#cfdcf7", "#a3bbef", "#7595de", "#4a6fc4", "#2a4ea6", "#14307a", "#08184a")
NO_DATA_COLOR = "#d9d9d9"
OUTLINE_COLOR = "#555555"
SELECTED_COLOR = "#e1000f"
FONT = "Marianne, Arial, sans-serif"
# categorical colours of chart series (DSFR-like blue, red, green, orange ...)
SERIES_COLORS = ("#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4", "#855d48", "#009081")
