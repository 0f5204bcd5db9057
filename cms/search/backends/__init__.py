"""Search engines behind the one service interface (see cms/search/service.py)."""
