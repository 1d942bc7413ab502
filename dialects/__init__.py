"""mlc's xDSL dialects: `mt` (tensor graph) and `loop` (kernels over memrefs).

Imports flow one way (DESIGN.md): dialects import nothing else of mlc. Always import
them as `mlc.dialects...` so that op classes are loaded once.
"""
