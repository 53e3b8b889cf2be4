"""What every demo part shares."""

# The actor of the demo's operator-run writes, as the audit trail records it: an operator on the server, not a
# person (ADR 0007), like `load_policy`. Writes a person would make in a real deployment (an administrator
# creating accounts, an applicant filing an application) are made as that demo person instead.
OPERATOR = "demo"
