"""rlvr-kit sandbox (see its issue)."""
