"""The reward core: verdicts, the verifier registry, reward specs, the bounded runner, batches.

Everything a verifier plugs into and everything a trainer calls lives here; the verifiers
themselves live beside this package (``verifiers.math``, ``verifiers.code``, ...) and the
analyses of rollouts in ``verifiers.analysis``. This file only re-exports.
"""
