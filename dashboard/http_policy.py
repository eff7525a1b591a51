"""What the server adds around the Dash app: limits, security headers, 404, health, maintenance.

:func:`install` is called once by ``dashboard.app.create_app``:

- **limits**: a request body of at most :data:`MAX_REQUEST_BYTES` (Flask's ``MAX_CONTENT_LENGTH``:
  a larger upload is refused with 413 before it is parsed);
- **callback requests** (``POST /_dash-update-component``) are checked against the app's own
  callback map before Dash reads them: a body that names no server callback, or whose inputs,
  states or outputs are not the ones declared, is a 400, never a 500 (:func:`callback_body_error`);
- **security headers** on every answer (:func:`security_headers`): a Content-Security-Policy whose
  ``script-src`` holds only this origin and the hashes of Dash's own inline scripts
  (``app.csp_hashes()``), ``nosniff``, ``frame-ancestors 'none'``, ``Referrer-Policy``; no
  ``Server`` banner with a version from the app (gunicorn says ``gunicorn``, no version);
- **404** for an address that is no page (the page shell still renders "Page introuvable");
- **health**: ``GET /healthz`` answers JSON, 200 when the database opens and every table reads,
  503 otherwise; while the database is unavailable every page answers a French maintenance page
  with 503 instead of a blank page, and every data route a 503 JSON;
- **errors** as short French answers without a traceback (the traceback goes to the log).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from flask import Response, request
from werkzeug.exceptions import HTTPException

from dashboard.core.delivery import asset_cache_control
from dashboard.core.gateway import Gateway, Unavailable
from etl.db import DAMAGE_ERRORS, DatabaseError

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 20 * 1024 * 1024  # two scenario files as data URLs (CSV 2 MB + GeoJSON 12 MB)
RETRY_AFTER = "60"
STATIC_PREFIXES = ("/assets/", "/_ti/", "/_dash-component-suites/", "/_favicon.ico")
CALLBACK_PATH = "/_dash-update-component"
PAGE_ENDPOINTS = ("/", "/<path:path>")  # Dash's index and catch-all routes

MAINTENANCE_HTML = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Maintenance — Territoires d'industrie</title>
<style>body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem;
color:#1e1e1e}h1{font-size:1.5rem}p{line-height:1.5}</style>
</head>
<body>
<main>
<h1>Tableau de bord en maintenance</h1>
<p>Les données du tableau de bord ne sont pas disponibles pour le moment : la base est en cours
de reconstruction ou de vérification. Réessayez dans quelques minutes.</p>
<p>Pour l'équipe d'exploitation : l'état du service est donné par <code>/healthz</code> et dans
le journal du serveur ; <code>make etl</code> reconstruit une base endommagée.</p>
</main>
</body>
</html>
"""


def content_security_policy(script_hashes: list[str]) -> str:
    """The policy: scripts only from this origin plus Dash's inline scripts (by hash); styles may
    be inline (plotly and React set style attributes); no frame may embed the dashboard."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


def security_headers(csp: str) -> dict[str, str]:
    """Headers of every answer."""
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # for browsers that ignore frame-ancestors
        # the shell renders the first page from the referrer of /_dash-layout (same origin only)
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def _declared_outputs(output: str) -> list[tuple[str, str]]:
    """``"..a.b...c.d.."`` or ``"a.b"`` -> [(id, property)] (Dash ids hold no dot)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.split(".", 1)) for p in parts if "." in p]


def _deps_match(given, declared: list[dict], what: str) -> str | None:
    if not isinstance(given, list) or len(given) != len(declared):
        n = len(given) if isinstance(given, list) else type(given).__name__
        return f"{what}: {len(declared)} attendu(s), reçu {n}"
    for g, d in zip(given, declared, strict=True):
        if not isinstance(g, dict) or g.get("id") != d["id"] or g.get("property") != d["property"]:
            return f"{what}: {d['id']}.{d['property']} attendu"
    return None


def callback_body_error(body, callback_map: dict) -> str | None:
    """Why a callback request cannot be run (None when it has the declared shape).

    Checks what Dash itself reads before it calls the function: the callback exists on the
    server, its inputs and states are the declared ones in order, its outputs are the declared
    ones, ``changedPropIds`` names some of its inputs. The values themselves are the callback's
    business (every callback treats them as untrusted).
    """
    if not isinstance(body, dict):
        return "corps JSON attendu (un objet)"
    output = body.get("output")
    cb = callback_map.get(output) if isinstance(output, str) else None
    if cb is None or "callback" not in cb:
        return "aucun rappel serveur pour cette sortie"
    for key, what in (("inputs", "entrées"), ("state", "états")):
        err = _deps_match(body.get(key, []), cb.get(key if key == "inputs" else "state", []), what)
        if err:
            return err
    outs = body.get("outputs")
    outs = [outs] if isinstance(outs, dict) else outs
    declared = _declared_outputs(output)
    if not isinstance(outs, list) or len(outs) != len(declared):
        return f"sorties : {len(declared)} attendue(s)"
    for o, (oid, prop) in zip(outs, declared, strict=True):
        if not isinstance(o, dict) or o.get("id") != oid or not isinstance(o.get("property"), str):
            return f"sorties : {oid}.{prop} attendu"
        if o["property"].split("@")[0] != prop.split("@")[0]:
            return f"sorties : {oid}.{prop} attendu"
    changed = body.get("changedPropIds", [])
    names = {f"{d['id']}.{d['property']}" for d in cb.get("inputs", [])}
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds : liste de textes attendue"
    if not set(changed) <= names:
        return "changedPropIds : une entrée inconnue de ce rappel"
    return None


def make_body(output: str, cb: dict, inputs: list, states: list, changed: list[str]) -> dict:
    """The body the browser posts for callback ``output`` (an entry of ``app.callback_map``)
    with these input and state values: for warm-up, tests and load benchmarks."""
    outs = [{"id": i, "property": p} for i, p in _declared_outputs(output)]
    return {
        "output": output,
        "outputs": outs if output.startswith("..") else outs[0],
        "inputs": [{**d, "value": v} for d, v in zip(cb["inputs"], inputs, strict=True)],
        "state": [{**d, "value": v} for d, v in zip(cb.get("state", []), states, strict=True)],
        "changedPropIds": changed,
    }


def callback_body(callback_map: dict, trigger: str, value) -> dict | None:
    """The body of the server callback that input ``trigger`` (``"id.property"``) fires, with
    ``value`` for it and None for its other inputs and states (None: no such callback)."""
    for output, cb in callback_map.items():
        names = [f"{d['id']}.{d['property']}" for d in cb.get("inputs", [])]
        if "callback" in cb and trigger in names:
            inputs = [value if n == trigger else None for n in names]
            return make_body(output, cb, inputs, [None] * len(cb.get("state", [])), [trigger])
    return None


def _json(payload: dict, status: int) -> Response:
    r = Response(
        json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json"
    )
    r.headers["Cache-Control"] = "no-store"
    return r


def _wants_page() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint in PAGE_ENDPOINTS


def maintenance() -> Response:
    """503: the French maintenance page for a page address, a short JSON for data routes."""
    if _wants_page():
        r = Response(MAINTENANCE_HTML, status=503, mimetype="text/html")
    else:
        r = _json({"erreur": "service en maintenance : base de données indisponible"}, 503)
    r.headers["Retry-After"] = RETRY_AFTER
    r.headers["Cache-Control"] = "no-store"
    return r


def health(q: Gateway) -> tuple[dict, int]:
    """``/healthz``: status, build date and fingerprint of the database served (200), or why it
    is not served (503)."""
    reason = q.available()
    if reason is not None:
        return {"status": "indisponible", "raison": reason}, 503
    try:
        info = q.memo(("build_info",), lambda: dict(q.rows("SELECT key, value FROM build_info")))
        version = q.version
    except (Unavailable, DatabaseError) as e:
        return {"status": "indisponible", "raison": str(e)[:200]}, 503
    return {
        "status": "ok",
        "built_at": info.get("built_at"),
        "fingerprint": info.get("fingerprint"),
        "schema_version": info.get("schema_version"),
        "version": version,
    }, 200


def install(app, q: Gateway, is_page: Callable[[str], bool]) -> None:
    """Add the limits, headers, health route, maintenance page and error answers to ``app``.

    Call it after every callback is registered: the policy carries the hashes of the inline
    scripts as they are then.
    """
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    headers = security_headers(content_security_policy(app.csp_hashes()))

    @server.route("/healthz")
    def healthz():
        payload, status = health(q)
        return _json(payload, status)

    @server.before_request
    def guard():
        path = request.path
        if path.startswith(STATIC_PREFIXES) or path == "/healthz":
            return None
        if q.available() is not None:
            return maintenance()
        if path == CALLBACK_PATH and request.method == "POST":
            body = request.get_json(silent=True)
            err = callback_body_error(body, app.callback_map)
            if err:
                return _json({"erreur": f"requête de rappel invalide : {err}"}, 400)
        return None

    @server.after_request
    def decorate(response: Response) -> Response:
        for k, v in headers.items():
            response.headers.setdefault(k, v)
        cache = asset_cache_control(request, response.status_code)
        if cache:
            response.headers["Cache-Control"] = cache
        if _wants_page() and response.status_code == 200 and not is_page(request.path):
            response.status_code = 404  # the shell still says "Page introuvable"
        return response

    @server.errorhandler(Unavailable)
    def unavailable(e):
        return maintenance()

    @server.errorhandler(DatabaseError)
    def database_error(e):
        if not isinstance(e, DAMAGE_ERRORS):
            return internal_error(e)
        log.exception("the database file could not be read: it is checked again")
        q.recheck()
        return maintenance()

    @server.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        text = {
            400: "requête invalide",
            404: "adresse inconnue",
            405: "méthode non permise",
            413: f"requête trop volumineuse (au plus {MAX_REQUEST_BYTES // (1024 * 1024)} Mo)",
        }.get(e.code, e.name)
        return _json({"erreur": text}, e.code or 500)

    @server.errorhandler(Exception)
    def internal_error(e: Exception):
        if isinstance(e, HTTPException):  # pragma: no cover - handled above
            return http_error(e)
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _json({"erreur": "erreur interne du serveur (consignée dans le journal)"}, 500)
