"""The sharing game in a population of companies, with and without the incentives of the
sharing exchange (Simmons, section B; SPEC section 8, "Sharing game")."""
