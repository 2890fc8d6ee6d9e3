"""Questions the report's pages ask of the data (every function takes a loaded ``Dataset``)."""
