def post_init_hook(env):
    """Key accounts appear the minute the addon is installed on an existing database."""
    companies = env["res.company"].search([])
    # the demo data computed its company already (its signals read the key accounts)
    env["kam.concentration.run"]._compute_for_companies(
        companies.filtered(lambda company: not company.kam_last_concentration_date)
    )
