"""Storage adapters: the database URL, the event-store recorders and schema, the transcodings.

Nothing here knows about the application, the reports or the command line.
"""
