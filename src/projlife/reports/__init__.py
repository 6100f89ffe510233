"""Reports people use: the 台账 ledger in Excel (export and import), OC4IDS, charts and bulletins."""
