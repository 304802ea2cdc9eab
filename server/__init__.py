"""rlvr-kit reward server: one HTTP endpoint that verl, OpenRLHF, TRL and slime can all call.

Kept import-free on purpose: ``server.clients`` (the trainer adapters) lives
under this package, and a trainer node must be able to import it without
pulling in FastAPI, uvicorn or the app. The app is ``server.app.create_app``.
"""
