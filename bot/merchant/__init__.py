"""Merchant tools: what reviews say (sentiment, aspect summaries) for store owners and shoppers."""
