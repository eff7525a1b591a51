"""The Territoires d'industrie dashboard (Dash): ``python -m dashboard`` serves it."""
