"""mlc's passes: graph rewrites on `mt`, the lowerings `convert-mt-to-loop` and
`convert-loop-to-scf`, and the C emitter. `registry` names them all; `pipelines` orders
them for `mlc.function` and `mlc-opt`."""
