"""Nothing of protection is registered in the admin site: credit records (punishments) are business data,
kept by the plan office through the services and shown on the product's own pages (docs/adr/0004)."""
