"""Deals (商机) and the funnel stages: create, move, close, hand over, and /deal."""
