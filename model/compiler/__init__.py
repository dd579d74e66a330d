"""Compile a validated System: code generation, the compiled integrators, the on-disk
cache and the numba wrappers (:class:`~model.compiler.compiled.CompiledSystem`)."""
