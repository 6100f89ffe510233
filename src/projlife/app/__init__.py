"""The application layer: ``connect()``, the services, validated commands, authorization, retries.

This is the room an embedder talks to. It composes the domain (``projlife.domain``), the
storage adapters (``projlife.store``), the read models (``projlife.projections``) and the
city plugins (``projlife.plugins``); nothing below it imports it.
"""
