"""The sites of a `FunctionGraph`: its block arguments and ops in the order that templated
translation numbers them (mlc/compile/translate.py), with the source location and name
hint of each. A `Function` fills the message templates of its cached artifact in from
them (passes/emit/messages.py). Kept apart from translate.py so that a cache hit
needs no xDSL dialect: this module walks frontend nodes only.
"""

from __future__ import annotations

from typing import Any, Optional

from xdsl.ir import SSAValue

from mlc.compile.fgraph import FunctionGraph
from mlc.tensor.body import Body

Site = tuple[Any, Optional[str]]
"""(source location, name hint) of a block argument or an op."""


def hint(name: Optional[str]) -> Optional[str]:
    """`name` when it can be an SSA name hint (what translation names values), else None."""
    return name if name and SSAValue.is_valid_name(name) else None


def graph_sites(fg: FunctionGraph) -> list[Site]:
    """The sites of `fg` in the order templated translation numbers them: the arguments
    (inputs, shared), then each node followed by the sites of its bodies (mt.map, mt.scan)."""
    sites: list[Site] = [(v.loc, hint(v.name)) for v in [*fg.inputs, *fg.shared]]
    _node_sites(fg.nodes, sites)
    return sites


def _node_sites(nodes: list, sites: list[Site]) -> None:
    for node in nodes:
        sites.append((node.loc, None))
        for body in (p for p in node.params.values() if isinstance(p, Body)):
            sites.extend((v.loc, hint(v.name)) for v in body.leaves)
            _node_sites(body.nodes, sites)
