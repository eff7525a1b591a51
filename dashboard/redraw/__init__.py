"""The redrawn map (``/redecoupage``): from the 2018 wave to the 2023 wave, and scenarios."""
