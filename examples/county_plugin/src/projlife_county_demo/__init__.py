"""projlife-county-demo: an example city plugin for projlife (see ``plugin.py``)."""

__version__ = "0.1.0"
