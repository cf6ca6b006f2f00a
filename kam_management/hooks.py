def post_init_hook(env):
    """Key accounts appear the minute the addon is installed on an existing database,
    with the history of the past months of the revenue window."""
    companies = env["res.company"].search([])
    # the demo data computed its company already (its signals read the key accounts)
    env["kam.concentration.run"]._compute_for_companies(
        companies.filtered(lambda company: not company.kam_last_concentration_date)
    )
    # the history of the past months comes from the scheduled action a minute
    # later: the install stays as quick as one computation per company
    companies.kam_backfill_requested = True
    env.ref("kam_management.ir_cron_kam_concentration")._trigger()
