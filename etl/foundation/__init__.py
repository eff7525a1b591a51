"""The foundation of the database, built from the raw mirror in ordinary build steps.

One module per step, in the order of ``etl.pipeline.STEPS``: ``read`` (the sources), ``communes``
(2026 commune polygons in a clean coverage), ``members`` (territory members and communes),
``dissolve`` (every layer dissolved from its communes), ``compare`` (areas, and the overlap with
the ANCT polygons), ``display`` (simplified display geometries and overseas insets), ``tables``
(the foundation tables). The steps hand their frames to each other through
``ctx.foundation`` (``etl.context.Foundation``).
"""
