"""Trainer-side adapters: call the reward server (or verify in-process) from verl and TRL.

Nothing here imports the server's own code (FastAPI, uvicorn, the app): a
trainer node installs the package and imports ``server.clients.verl`` or
``server.clients.trl`` and pays only for httpx, or for the verifiers when it
runs in local mode.
"""

from server.clients.http import RewardClient, RewardServerError
from server.clients.scorer import LocalScorer, Scorer, make_scorer

__all__ = ["LocalScorer", "RewardClient", "RewardServerError", "Scorer", "make_scorer"]
