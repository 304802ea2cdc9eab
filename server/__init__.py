"""rlvr-kit server (see its issue)."""
