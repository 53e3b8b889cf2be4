"""The patent operations platform (二(三)1–2, 二(五)2): listings, demands, matching, auctions, deals.

This first slice holds only the pure matching engine (`ipcity.market.matching`); the Django app (models,
services, API) comes later and calls it.
"""
