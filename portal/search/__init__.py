"""Network-wide search behind one interface: portal.search.index keeps the documents up to
date, portal.search.query answers searches; portal.search.backends holds what differs
between SQLite (FTS5) and PostgreSQL (tsvector with a GIN index)."""
