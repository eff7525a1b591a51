"""Build steps of the progress sources (issue 5), registered in ``etl.build.EXTRA_STEPS``.

Order matters only where a step reads another's table: the registry steps run after the
foundation tables exist (as every extra step does); each family of indicators replaces only its
own rows (``etl.sources._indicators``).
"""

from __future__ import annotations

from etl.build import EXTRA_STEPS, BuildStep
from etl.registry import store
from etl.sources import ditp, fonds_vert, france_relance, published_figures, urssaf

EXTRA_STEPS.extend(
    [
        BuildStep(
            name="Chiffres publiés du programme",
            run=published_figures.load,
            inputs=(published_figures.FILE,),
        ),
        BuildStep(
            name="France Relance : entreprises industrielles bénéficiaires",
            run=france_relance.load,
            inputs=tuple(v[0] for v in france_relance.FILES.values()),
        ),
        BuildStep(
            name="Baromètre DITP : emplois industriels et sites",
            run=ditp.load,
            inputs=tuple(ditp.FILES.values()),
        ),
        # $TI_URSSAF_FILE (absolute) replaces the mirror sample and takes part in the fingerprint
        BuildStep(
            name="Urssaf : établissements et effectifs par commune x APE",
            run=urssaf.load,
            inputs=(str(urssaf.input_path()), urssaf.COG_COMMUNES),
        ),
        BuildStep(
            name="Registre des projets : Fonds vert 2024 (PACA)",
            run=fonds_vert.load,
            inputs=(fonds_vert.FILE,),
        ),
        BuildStep(name="Registre des projets : registres importés", run=store.load_kept),
    ]
)
