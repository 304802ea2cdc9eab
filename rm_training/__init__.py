"""Training of the chain-of-thought reward model (Kimi k1.5, SPEC section 3).

Reserved for its own issue: nothing is implemented here yet.
"""
