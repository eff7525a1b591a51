"""What one visitor of the dashboard does, for locust (``scripts/bench_load.py`` runs it).

A visitor opens a page (its HTML, its layout, its callback list), draws the map layers the page
asks for, then works: filters by région or département, switches layers, searches, opens a
territory, exports the table, looks at the redrawn map and at the progress page, with 1 to 3
seconds between actions. Callback bodies are built from the server's own ``/_dash-dependencies``
(as the browser does); every answer other than 200 or 204 counts as a failure.
"""

from __future__ import annotations

import random

from locust import HttpUser, between, task

from dashboard.http_policy import make_body

REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93"]
DEPARTEMENTS = ["76", "27", "59", "62", "67", "69", "13", "33", "44", "35", "2A", "974"]
LAYERS = ["ti2023", "ti2018", "epci", "arrondissement", "departement", "region"]
SEARCHES = ["rouen", "lyon", "dunkerque", "vallee", "saint", "mont", "le havre"]


class Visitor(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        deps = self.client.get("/_dash-dependencies", name="/_dash-dependencies").json()
        self.deps = [d for d in deps if not d.get("clientside_function")]
        self.page("/")

    # -- helpers -------------------------------------------------------------------------------
    def page(self, path: str) -> None:
        """A page as the browser loads it: the HTML, then the layout of that address."""
        self.client.get(path, name=path.split("?")[0] or "/")
        r = self.client.get(
            "/_dash-layout",
            headers={"Referer": f"{self.host}{path}"},
            name=f"/_dash-layout {path.split('?')[0]}",
        )
        for url in _data_urls(r.text):
            self.client.get(url, name=url.split("?")[0])

    def fire(self, output: str, values: dict, name: str) -> None:
        """Post the callback whose outputs include ``output``, fired by the first input in
        ``values`` (its other inputs as given, or None)."""
        first = next(iter(values))
        d = next((d for d in self.deps if output in d["output"]), None)
        if d is None:  # the app changed: a failure, never a silently skipped action
            self.environment.events.request.fire(
                request_type="POST", name=name, response_time=0, response_length=0,
                exception=LookupError(f"no callback with output {output}"), context={},
            )  # fmt: skip
            return
        names = [f"{i['id']}.{i['property']}" for i in d["inputs"]]
        body = make_body(
            d["output"],
            d,
            [values.get(n) for n in names],
            [None] * len(d.get("state", [])),
            [first],
        )
        with self.client.post(
            "/_dash-update-component", json=body, name=name, catch_response=True
        ) as r:
            if r.status_code in (200, 204):
                r.success()

    # -- tasks ---------------------------------------------------------------------------------
    @task(4)
    def filter_map(self) -> None:
        reg = random.choice(REGIONS)
        self.fire("carte-dep.options", {"carte-reg.value": reg}, "callback: map filter")
        layer = random.choice(LAYERS)
        self.fire(
            "carte-geo.url",
            {"carte-reg.value": reg, "carte-layer.value": layer},
            "callback: map view (filtered)",
        )
        self.client.get(f"/_carte/geo?couche={layer}&reg={reg}", name="/_carte/geo (filtered)")

    @task(2)
    def filter_departement(self) -> None:
        dep = random.choice(DEPARTEMENTS)
        self.fire(
            "carte-geo.url",
            {"carte-dep.value": dep, "carte-layer.value": "epci"},
            "callback: map view (dep)",
        )
        self.client.get(f"/_carte/geo?couche=epci&dep={dep}", name="/_carte/geo (filtered)")
        self.client.get(f"/_carte/points?dep={dep}", name="/_carte/points")

    @task(2)
    def switch_layer(self) -> None:
        layer = random.choice(LAYERS)
        self.fire("carte-geo.url", {"carte-layer.value": layer}, "callback: map view (layer)")
        self.client.get(
            f"/_carte/geo?couche={layer}&niveau=national", name="/_carte/geo (national)"
        )

    @task(2)
    def search_and_select(self) -> None:
        self.fire(
            "carte-search.options",
            {"carte-search.search_value": random.choice(SEARCHES)},
            "callback: search",
        )
        self.fire(
            "carte-panel-body.children",
            {"carte-selection.data": {"couche": "ti2023", "key": "ti-2801"},
             "carte-layer.value": "ti2023"},
            "callback: selection panel",
        )  # fmt: skip

    @task(1)
    def export(self) -> None:
        """A table (the map's, through its callback, or a page's, through /_export), and now and
        then an image or a PDF (slow: a person exports far less often than they click)."""
        fmt = random.choice(["carte-dl-csv.n_clicks", "carte-dl-xlsx.n_clicks"])
        self.fire("carte-download.data", {fmt: 1}, "callback: export table")
        reg = random.choice(REGIONS)
        table = random.choice(
            [f"redecoupage/detail.csv?reg={reg}", "progres/registre.xlsx",
             "territoire/membres.csv?vague=2023&id=ti-2801"]
        )  # fmt: skip
        self.client.get(f"/_export/{table}", name="/_export (table)")
        if random.random() < 0.1:
            image = random.choice(
                [f"carte/carte.png?couche=ti2023&reg={reg}", "progres/france-relance-france.svg",
                 "territoire/fiche.pdf?vague=2023&id=ti-2801"]
            )  # fmt: skip
            self.client.get(f"/_export/{image}", name="/_export (image, PDF)")

    @task(1)
    def compare(self) -> None:
        self.page("/comparer?couche=ti2023&cmp=ti-2801,ti-2802")

    @task(2)
    def redraw(self) -> None:
        reg = random.choice(REGIONS)
        self.page(f"/redecoupage?reg={reg}")
        self.fire("rd-geo-2018.url", {"rd-reg.value": reg}, "callback: redraw view")

    @task(1)
    def redraw_national(self) -> None:
        self.client.get("/_redecoupage/communes", name="/_redecoupage/communes (France)")

    @task(1)
    def progress(self) -> None:
        self.page("/progres")
        self.fire(
            "progres-fr-dep-series",
            {"progres-fr-dep.value": random.choice(DEPARTEMENTS)},
            "callback: progress",
        )

    @task(1)
    def profile(self) -> None:
        self.page(random.choice(["/territoire/2023/ti-2801", "/sources", "/"]))


def _data_urls(layout: str) -> list[str]:
    import re

    found = re.findall(r'"(/_(?:carte|redecoupage)/[^"]+)"', layout)
    return sorted({u.encode().decode("unicode_escape") for u in found})
