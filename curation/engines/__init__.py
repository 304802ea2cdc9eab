"""Where a sharded curation step runs: ``local`` (this process) or ``ray`` (a Ray cluster).

This file only documents; ``curation.engines.ray_data`` is imported only when
``--engine ray`` is chosen, so the default install never needs Ray.
"""
