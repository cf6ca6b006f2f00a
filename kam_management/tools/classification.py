"""Whether an account is a key account of a company, and why.

Plain Python, no Odoo: the rule the addon applies in Python when it reads an
account, and in SQL (models/kam_classification.py) when it searches, groups
or sorts by it; tests check that both agree on every combination.
"""

OVERRIDES = (None, "key", "not_key")


def key_status(override, strategic, by_revenue):
    """Return (is_key, reason) of an account.

    :param override: a KAM manager's decision: ``"key"``, ``"not_key"`` or None
    :param strategic: flagged strategic
    :param by_revenue: in the key set of the revenue ranking (Pareto)
    :return: whether it is a key account, and ``"manual"``, ``"both"``,
        ``"strategic"``, ``"revenue"`` or None
    """
    if override == "key":
        return True, "manual"
    if override == "not_key":
        return False, None
    if strategic and by_revenue:
        return True, "both"
    if strategic:
        return True, "strategic"
    if by_revenue:
        return True, "revenue"
    return False, None
