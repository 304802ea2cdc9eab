"""Trainer-side hooks: call the reward server (or verify in-process) from the trainers.

``verl`` (``compute_score``), ``trl`` (``TRLReward``), ``openrlhf`` (``reward_func``),
``slime`` (``reward``, ``group_reward``) and ``areal`` (``reward_fn``), each with its
trainer's exact signature. Nothing here imports the server's HTTP app (FastAPI,
uvicorn): a trainer node pays only for httpx, or for the verifiers in local mode.
"""

from server.clients.http import RewardClient, RewardServerError
from server.clients.scorer import LocalScorer, Scorer, make_scorer

__all__ = ["LocalScorer", "RewardClient", "RewardServerError", "Scorer", "make_scorer"]
