def post_init_hook(env):
    """Key accounts appear the minute the addon is installed on an existing database."""
    env["kam.concentration.run"]._compute_for_companies(env["res.company"].search([]))
