"""Monitoring from outside: the service's figures for Prometheus (``[metrics]`` in config.toml).

``outreach status`` answers a person and a script with an exit code; this answers
a monitoring system that scrapes: ``exposition`` writes Prometheus's text format,
``metrics`` reads the figures from the store, ``server`` serves them over HTTP
while ``outreach run`` runs.
"""
