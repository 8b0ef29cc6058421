"""Use cases, one function each. A service takes the acting user explicitly (None means the
operator at the command line), enforces the rules, writes the audit event and flushes; the
caller commits. Services never read the request."""
