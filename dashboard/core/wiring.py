"""Callbacks declared as data, so that a page module is its ``Page`` record plus a short list.

A :class:`Wire` names the outputs, inputs and states of one server callback as
``"component.property"`` words (the page's id prefix is added: ``"ind.value"`` on the map page
is ``carte-ind.value``), and its body, a plain function ``fn(q, *values)`` of the feature
package (tested without a browser). ``@ti-address.data`` names a component without prefix; a ``!``
after an output lets another callback set it too (Dash's ``allow_duplicate``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dash import ClientsideFunction, Input, Output, State, ctx


@dataclass(frozen=True)
class Wire:
    """One server callback of a page (see the module docstring)."""

    outputs: str
    inputs: str
    fn: Callable
    states: str = ""
    initial: bool = False  # run on page load too (most pages fill every output in their layout)
    trigger: bool = False  # ``fn(q, triggered component, *values)``: which input fired


@dataclass(frozen=True)
class ClientWire:
    """One clientside callback: a function of ``window.dash_clientside[namespace]``."""

    outputs: str
    inputs: str
    namespace: str
    function: str
    states: str = ""


def _id(word: str, prefix: str) -> tuple[str, str]:
    name, _, prop = word.partition(".")
    if not prop:
        raise ValueError(f"callback dependency {word!r}: expected 'component.property'")
    return (name[1:] if name.startswith("@") else f"{prefix}-{name}"), prop


def _deps(words: str, prefix: str, kind) -> list:
    out = []
    for w in words.split():
        dup = w.endswith("!")
        cid, prop = _id(w.rstrip("!"), prefix)
        out.append(kind(cid, prop, allow_duplicate=True) if dup else kind(cid, prop))
    return out


def connect(app, q, prefix: str, wires: list[Wire | ClientWire]) -> None:
    """Register every wire of a page on ``app``, its bodies bound to the gateway ``q``."""
    for w in wires:
        deps = [
            *_deps(w.outputs, prefix, Output),
            *_deps(w.inputs, prefix, Input),
            *_deps(w.states, prefix, State),
        ]
        if isinstance(w, ClientWire):
            app.clientside_callback(
                ClientsideFunction(namespace=w.namespace, function_name=w.function),
                *deps,
                prevent_initial_call=True,
            )
            continue
        app.callback(*deps, prevent_initial_call=not w.initial)(_body(w, q, prefix))


def _body(w: Wire, q, prefix: str) -> Callable:
    def body(*values):
        if w.trigger:
            fired = ctx.triggered_id if isinstance(ctx.triggered_id, str) else ""
            return w.fn(q, fired.removeprefix(prefix + "-"), *values)
        return w.fn(q, *values)

    body.__name__ = f"{prefix}_{getattr(w.fn, '__name__', 'callback')}"
    return body


def address(fn: Callable) -> Callable:
    """A page's ``on_url(*values) -> "?…"`` as the body of a wire into ``@ti-address.data``
    (:func:`dashboard.core.urlstate.history_entry`); nothing while another page is on screen."""
    from dash import no_update

    from dashboard.core.urlstate import history_entry

    def body(q, *values):
        search = fn(*values)
        return no_update if search is no_update else history_entry(search)

    body.__name__ = getattr(fn, "__name__", "on_url")
    return body
