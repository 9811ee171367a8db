"""Every matplotlib figure, one module per kind of result.

:mod:`.style` (palette, axes, PNG), :mod:`.run` (one run), :mod:`.compare` (side by side),
:mod:`.game` (bargaining range, belief gap), :mod:`.validation` (calibration, durability,
tornado charts), :mod:`.app` (the classroom app's PNGs). Imports output, engine, scenario.
"""
