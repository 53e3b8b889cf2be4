"""Nothing of grants is registered in the admin site.

Calls, applications (drafts included), payments, objections and the ledger are business data, each visible
to a different set of people (ipcity.grants.selectors). The admin site would show all of it to the `admin`
role, which has no part in grants; they are reached through the product's own scoped pages and API instead
(docs/adr/0004, "What the admin site shows"; security review, issue 8, finding 7).
"""
