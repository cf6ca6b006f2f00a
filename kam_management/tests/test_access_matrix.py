from odoo import fields
from odoo.tests import tagged

from .common_rights import (
    INTERNAL,
    KAM,
    KAMS,
    MANAGER,
    OTHER_COMPANY,
    PORTAL,
    SALES_ALL,
    SALESMAN,
    KamRightsCommon,
)

SALES = {SALESMAN, SALES_ALL, *KAMS}
EDITORS = {KAM, MANAGER}
NOBODY = set()

# Who may read each sensitive field of a customer, through the ORM (what RPC does).
PARTNER_FIELDS = {
    "kam_user_id": SALES,
    "kam_is_key_account": SALES,
    "kam_key_reason": KAMS,
    "kam_is_strategic": KAMS,
    "kam_strategic_reason": KAMS,
    "kam_strategic_review_date": KAMS,
    "kam_key_override": KAMS,
    "kam_key_override_reason": KAMS,
    "kam_is_key_by_revenue": KAMS,
    "kam_tier": KAMS,
    "kam_revenue": KAMS,
    "kam_revenue_share": KAMS,
    "kam_cumulative_share": KAMS,
    "kam_revenue_rank": KAMS,
    "kam_own_user_id": KAMS,
    "kam_own_strategic_reason": KAMS,
    "kam_own_key_override": KAMS,
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(KamRightsCommon):
    """Every model of the addon, every profile, every operation: allowed to exactly
    the profiles the rights model says, refused to everybody else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.computation = env["kam.concentration.run"].sudo()._compute_for_company(cls.company)
        cls.line = env["kam.concentration.line"].create(
            {"run_id": cls.computation.id, "partner_id": cls.account.id, "revenue": 10}
        )
        cls.figure = env["kam.account.figure"].create(
            {"company_id": cls.company.id, "partner_id": cls.account.id, "revenue": 10, "rank": 1}
        )
        cls.role = env.ref("kam_management.stakeholder_role_champion")
        cls.person = env["res.partner"].create({"name": "Luis Acme", "parent_id": cls.account.id})
        cls.stakeholder = env["kam.stakeholder"].create(
            {"account_id": cls.account.id, "contact_id": cls.contact.id}
        )
        cls.plan = env["kam.account.plan"].create(
            {"account_id": cls.account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
        )
        cls.objective = env["kam.account.plan.objective"].create(
            {"plan_id": cls.plan.id, "name": "Audit", "metric": "manual", "target": 1}
        )
        cls.lead = env["crm.lead"].create(
            {
                "name": "Renewal",
                "type": "opportunity",
                "partner_id": cls.account.id,
                "user_id": cls.kam_user.id,
            }
        )
        cls.buying_role = env["kam.opportunity.contact"].create(
            {"lead_id": cls.lead.id, "contact_id": cls.contact.id}
        )
        cls.member_role = env.ref("kam_management.kam_member_role_sales")
        cls.member = env["kam.account.member"].create(
            {
                "account_id": cls.account.id,
                "company_id": cls.company.id,
                "user_id": cls.salesman.id,
                "role_id": cls.member_role.id,
                "effort_share": 10,
            }
        )
        cls.absence = env["kam.absence"].create(
            {"user_id": cls.kam_user.id, "date_from": "2026-08-03", "date_to": "2026-08-14"}
        )
        cls.handover = env["kam.handover"].create(
            {
                "company_id": cls.company.id,
                "from_user_id": cls.other_kam_user.id,
                "to_user_id": cls.kam_user.id,
                "account_ids": [fields.Command.set(cls.account.ids)],
            }
        )
        cls.measure = env["kam.effort.measure"].create(
            {"account_ref": cls.account.id, "user_id": cls.kam_user.id, "hours": 4}
        )
        cls.tension = env["kam.tension"].create(
            {
                "name": "Late deliveries",
                "account_id": cls.account.id,
                "type_id": env.ref("kam_management.kam_tension_type_delivery").id,
            }
        )
        env.flush_all()
        cls.gap = env["kam.relationship.gap"].search([("account_id", "=", cls.account.id)])[:1]

    def check(self, record, expected, create_values=None, write_values=None):
        """Read, create, write and unlink ``record``'s model as every profile."""
        model = record._name
        self.assertTrue(record, f"no {model} to test")
        self.assertOnlyProfiles(
            expected["read"],
            lambda user: record.with_user(user).read(["display_name"]),
            f"read {model}",
        )
        self.assertOnlyProfiles(
            expected["create"],
            lambda user: self.env[model].with_user(user).create(create_values),
            f"create {model}",
        )
        self.assertOnlyProfiles(
            expected["write"],
            lambda user: record.with_user(user).write(write_values),
            f"write {model}",
        )
        self.assertOnlyProfiles(
            expected["unlink"],
            lambda user: record.with_user(user).unlink(),
            f"unlink {model}",
        )

    def test_concentration_runs(self):
        self.check(
            self.computation,
            {"read": KAMS, "create": {MANAGER}, "write": {MANAGER}, "unlink": {MANAGER}},
            create_values={"company_id": self.company.id},
            write_values={"hhi": 1},
        )

    def test_concentration_lines(self):
        self.check(
            self.line,
            {"read": KAMS, "create": {MANAGER}, "write": {MANAGER}, "unlink": {MANAGER}},
            create_values={"run_id": self.computation.id, "partner_id": self.other_account.id},
            write_values={"revenue": 1},
        )

    def test_revenue_ranking(self):
        self.check(
            self.figure,
            {"read": KAMS, "create": NOBODY, "write": NOBODY, "unlink": NOBODY},
            create_values={"company_id": self.company.id, "partner_id": self.other_account.id},
            write_values={"revenue": 1},
        )

    def test_buying_roles_configuration(self):
        managers = {MANAGER, OTHER_COMPANY}  # a setting of every company
        self.check(
            self.role,
            {"read": KAMS | managers, "create": managers, "write": managers, "unlink": managers},
            create_values={"name": "Procurement"},
            write_values={"description": "Pushes for us"},
        )

    def test_stakeholders(self):
        self.check(
            self.stakeholder,
            {"read": KAMS, "create": EDITORS, "write": EDITORS, "unlink": {MANAGER}},
            create_values={"account_id": self.account.id, "contact_id": self.person.id},
            write_values={"strength": 5},
        )

    def test_relationship_gaps(self):
        self.check(
            self.gap,
            {"read": KAMS, "create": NOBODY, "write": NOBODY, "unlink": NOBODY},
            create_values={"account_id": self.account.id},
            write_values={"detail": "x"},
        )

    def test_buying_roles_in_deals_follow_the_opportunity(self):
        # the KAM owns the deal; the other KAM only sees their own leads
        self.check(
            self.buying_role,
            {"read": EDITORS, "create": EDITORS, "write": EDITORS, "unlink": EDITORS},
            create_values={"lead_id": self.lead.id, "contact_id": self.person.id},
            write_values={"role_ids": [fields.Command.link(self.role.id)]},
        )

    def test_account_plans(self):
        self.check(
            self.plan,
            {"read": KAMS, "create": EDITORS, "write": EDITORS, "unlink": EDITORS},
            create_values={
                "account_id": self.account.id,
                "company_id": self.company.id,
                "date_start": "2027-01-01",
                "date_end": "2027-12-31",
            },
            write_values={"revenue_target": 5000},
        )

    def test_account_plan_objectives(self):
        self.check(
            self.objective,
            {"read": KAMS, "create": EDITORS, "write": EDITORS, "unlink": EDITORS},
            create_values={
                "plan_id": self.plan.id,
                "name": "Upsell",
                "metric": "manual",
                "target": 2,
            },
            write_values={"target": 3},
        )

    def test_account_teams(self):
        # the KAM forms the team of their account, managers every team of their company
        self.check(
            self.member,
            {"read": KAMS, "create": EDITORS, "write": EDITORS, "unlink": EDITORS},
            create_values={
                "account_id": self.account.id,
                "company_id": self.company.id,
                "user_id": self.users[SALES_ALL].id,
                "role_id": self.member_role.id,
                "effort_share": 5,
            },
            write_values={"effort_share": 7},
        )

    def test_team_roles_configuration(self):
        managers = {MANAGER, OTHER_COMPANY}  # a setting of every company
        unused = self.env["kam.member.role"].create({"name": "Logistics partner"})
        self.check(
            unused,
            {"read": KAMS | managers, "create": managers, "write": managers, "unlink": managers},
            create_values={"name": "Logistics"},
            write_values={"sequence": 3},
        )

    def test_tensions(self):
        # the account team records and settles them, other KAMs read them
        self.check(
            self.tension,
            {"read": KAMS, "create": EDITORS, "write": EDITORS, "unlink": EDITORS},
            create_values={
                "name": "Price dispute",
                "account_id": self.account.id,
                "company_id": self.company.id,
                "type_id": self.tension.type_id.id,
            },
            write_values={"severity": "high"},
        )

    def test_competitor_presence(self):
        # the account team keeps what is known of the competition; other KAMs read it
        env = self.env
        rival = env["res.partner"].create(
            {"name": "Rival Industrial", "is_company": True, "kam_is_competitor": True}
        )
        presence = env["kam.competitor.presence"].create(
            {
                "account_id": self.account.id,
                "company_id": self.company.id,
                "competitor_id": rival.id,
            }
        )
        self.check(
            presence,
            {"read": KAMS, "create": EDITORS, "write": EDITORS, "unlink": EDITORS},
            create_values={
                "account_id": self.account.id,
                "company_id": self.company.id,
                "competitor_id": rival.id,
                "share_estimate": 20,
            },
            write_values={"share_estimate": 30},
        )

    def test_whitespace(self):
        # computed every night: nobody writes a cell; the account team (and managers)
        # turn it into an opportunity, other KAMs read it
        env = self.env
        category = env["product.category"].create({"name": "Seals"})
        cell = env["kam.whitespace"].create(
            {
                "account_id": self.account.id,
                "company_id": self.company.id,
                "categ_id": category.id,
                "state": "whitespace",
                "expected_revenue": 1000,
            }
        )
        self.check(
            cell,
            {"read": KAMS, "create": NOBODY, "write": NOBODY, "unlink": NOBODY},
            create_values={
                "account_id": self.other_account.id,
                "company_id": self.company.id,
                "categ_id": category.id,
                "state": "whitespace",
            },
            write_values={"expected_revenue": 1},
        )
        self.assertOnlyProfiles(
            EDITORS,
            lambda user: cell.with_user(user).action_create_opportunity(),
            "turn a whitespace cell into an opportunity",
        )

    def test_rising_accounts(self):
        forecast = self.env["kam.account.forecast"].create(
            {
                "account_id": self.other_account.id,
                "company_id": self.company.id,
                "direction": "rising",
                "forecast": 100,
            }
        )
        self.check(
            forecast,
            {"read": KAMS, "create": NOBODY, "write": NOBODY, "unlink": NOBODY},
            create_values={
                "account_id": self.account.id,
                "company_id": self.company.id,
                "direction": "falling",
            },
            write_values={"forecast": 1},
        )

    def test_scorecards(self):
        scorecard = self.env["kam.account.scorecard"].create(
            {"account_id": self.account.id, "company_id": self.company.id, "score_team": 50}
        )
        self.check(
            scorecard,
            {"read": KAMS, "create": NOBODY, "write": NOBODY, "unlink": NOBODY},
            create_values={"account_id": self.other_account.id, "company_id": self.company.id},
            write_values={"score_team": 100},
        )
        for profile in (PORTAL, INTERNAL, SALESMAN, SALES_ALL):
            with self.subTest(profile=profile):
                self.assertFalse(
                    self.allowed(
                        lambda p=profile: self.account.with_user(self.users[p]).read(
                            ["kam_score_business", "kam_scorecard_reasons_team"]
                        )
                    )
                )

    def test_scorecard_rules(self):
        self.env["kam.scorecard.rule"]._ensure_company_rules(self.company)
        rule = self.env["kam.scorecard.rule"].search(
            [("company_id", "=", self.company.id), ("code", "=", "backup_kam")]
        )
        self.check(
            rule,
            {"read": KAMS, "create": NOBODY, "write": {MANAGER}, "unlink": NOBODY},
            create_values={"company_id": self.company.id, "code": "backup_kam"},
            write_values={"weight": 10},
        )

    def test_tension_types_configuration(self):
        managers = {MANAGER, OTHER_COMPANY}  # a setting of every company
        unused = self.env["kam.tension.type"].create({"name": "Logistics"})
        self.check(
            unused,
            {"read": KAMS | managers, "create": managers, "write": managers, "unlink": managers},
            create_values={"name": "Packaging"},
            write_values={"sequence": 3},
        )

    def test_signals(self):
        # raised by the nightly check only; the account team dismisses them, others read
        env = self.env
        signal = env["kam.signal"].create(
            {
                "account_id": self.account.id,
                "company_id": self.company.id,
                "rule": "relationship",
                "first_seen": fields.Date.today(),
                "label": "single_threaded",
            }
        )
        # nobody writes a signal: the account team dismisses it or makes it a tension
        self.check(
            signal,
            {"read": KAMS, "create": set(), "write": set(), "unlink": {MANAGER}},
            create_values={
                "account_id": self.account.id,
                "company_id": self.company.id,
                "rule": "overdue",
                "first_seen": fields.Date.today(),
            },
            write_values={"dismiss_reason": "Known", "state": "dismissed"},
        )
        self.assertOnlyProfiles(
            EDITORS,
            lambda user: signal.with_user(user)._dismiss("Known"),
            "dismiss a signal",
        )
        self.assertOnlyProfiles(
            EDITORS,
            lambda user: signal.with_user(user).action_make_tension(),
            "make a signal a tension",
        )

    def test_account_health(self):
        health = self.env["kam.account.health"].create(
            {
                "account_id": self.account.id,
                "company_id": self.company.id,
                "date": fields.Date.today(),
                "score": 50,
                "band": "watch",
            }
        )
        self.check(
            health,
            {"read": KAMS, "create": set(), "write": set(), "unlink": {MANAGER}},
            create_values={
                "account_id": self.account.id,
                "company_id": self.company.id,
                "date": fields.Date.today(),
                "score": 10,
            },
            write_values={"score": 99},
        )
        for profile in (PORTAL, INTERNAL, SALESMAN, SALES_ALL):
            with self.subTest(profile=profile):
                self.assertFalse(
                    self.allowed(
                        lambda p=profile: self.account.with_user(self.users[p]).read(
                            ["kam_health_score", "kam_health_explanation"]
                        )
                    )
                )

    def test_what_if(self):
        self.assertOnlyProfiles(
            KAMS,
            lambda user: (
                self.env["kam.what.if.wizard"]
                .with_user(user)
                .create({"account_id": self.account.id, "company_id": self.company.id})
                .read(["revenue", "receivables"])
            ),
            "what if we lose the account",
        )

    def test_executive_review_wizard(self):
        self.assertOnlyProfiles(
            KAMS,
            lambda user: (
                self.env["kam.executive.review.wizard"]
                .with_user(user)
                .create({"account_id": self.account.id})
                .read(["date_from", "date_to"])
            ),
            "prepare the executive review of the account",
        )
        self.assertOnlyProfiles(
            KAMS,
            lambda user: (
                self.env["ir.actions.report"]
                .with_user(user)
                ._render_qweb_html(
                    "kam_management.kam_executive_review_report_action", self.account.ids
                )
            ),
            "print the executive review of the account",
        )

    def test_absences(self):
        # everybody's own; a manager records those of the people of their companies
        self.check(
            self.absence,
            {"read": KAMS, "create": EDITORS, "write": EDITORS, "unlink": EDITORS},
            create_values={
                "user_id": self.kam_user.id,
                "date_from": "2026-09-01",
                "date_to": "2026-09-02",
            },
            write_values={"note": "Holidays"},
        )

    def test_handovers(self):
        self.check(
            self.handover,
            {"read": KAMS, "create": {MANAGER}, "write": {MANAGER}, "unlink": {MANAGER}},
            create_values={
                "company_id": self.company.id,
                "from_user_id": self.kam_user.id,
                "to_user_id": self.other_kam_user.id,
            },
            write_values={"transition_over": True},
        )

    def test_measured_effort(self):
        self.check(
            self.measure,
            {"read": KAMS, "create": NOBODY, "write": NOBODY, "unlink": NOBODY},
            create_values={"account_ref": self.account.id, "user_id": self.kam_user.id},
            write_values={"hours": 1},
        )

    def test_workload(self):
        # a KAM reads their own load, a manager everybody's in their companies
        load = self.env["kam.workload"].search([("user_id", "=", self.kam_user.id)])
        self.assertOnlyProfiles(
            {KAM, MANAGER},
            lambda user: load.with_user(user).read(["load_percent"]),
            "read kam.workload",
        )
        for profile in (KAM, MANAGER):
            self.assertFalse(self.allowed(lambda p=profile: load.with_user(self.users[p]).unlink()))

    def test_sensitive_fields_of_the_account_and_of_its_contacts(self):
        for partner in (self.account, self.contact, self.portal_user.partner_id):
            for fname, readers in PARTNER_FIELDS.items():
                self.assertOnlyProfiles(
                    readers,
                    lambda user, partner=partner, fname=fname: partner.with_user(user).read(
                        [fname]
                    ),
                    f"read {fname} of {partner.name}",
                )

    def test_the_kam_day_fields_of_the_account_and_of_its_contacts(self):
        """The scores, their reasons, the trend, plan progress, gaps and "my account"
        are for KAMs only, read on the account or through a contact; "My Key
        Account" cannot be searched by anybody else either."""
        fnames = [
            "kam_scorecard_id",
            "kam_score_information",
            "kam_score_relationships",
            "kam_score_business",
            "kam_score_team",
            "kam_scorecard_reasons_relationships",
            "kam_revenue_trend",
            "kam_plan_progress",
            "kam_gap_count",
            "kam_is_my_account",
            "kam_currency_id",
        ]
        for partner in (self.account, self.contact, self.portal_user.partner_id):
            for fname in fnames:
                self.assertOnlyProfiles(
                    KAMS,
                    lambda user, partner=partner, fname=fname: partner.with_user(user).read(
                        [fname]
                    ),
                    f"read {fname} of {partner.name}",
                )
        self.assertOnlyProfiles(
            KAMS | {OTHER_COMPANY},
            lambda user: (
                self.env["res.partner"].with_user(user).search([("kam_is_my_account", "=", True)])
            ),
            "search on kam_is_my_account",
        )

    def test_sensitive_fields_cannot_be_searched_grouped_or_sorted_by(self):
        partners = self.env["res.partner"]
        for fname, readers in PARTNER_FIELDS.items():
            if fname in ("kam_revenue", "kam_revenue_share", "kam_cumulative_share",
                         "kam_revenue_rank"):  # fmt: skip
                continue  # computed on reading, not searchable: nothing to probe
            # the manager of the other company may use the field, on its own customers
            readers = readers | {OTHER_COMPANY}
            domain = [(fname, "!=", False)]
            self.assertOnlyProfiles(
                readers,
                lambda user, fname=fname, domain=domain: partners.with_user(user).search(domain),
                f"search on {fname}",
            )
            groupby = f"{fname}:month" if fname == "kam_strategic_review_date" else fname
            self.assertOnlyProfiles(
                readers,
                lambda user, groupby=groupby: partners.with_user(user)._read_group([], [groupby]),
                f"group by {fname}",
            )
            self.assertOnlyProfiles(
                readers,
                lambda user, fname=fname: partners.with_user(user).search([], order=fname),
                f"sort by {fname}",
            )

    def test_only_managers_change_decisions(self):
        decisions = {
            "kam_user_id": self.other_kam_user.id,
            "kam_is_strategic": False,
            "kam_key_override": "not_key",
            "kam_key_override_reason": "Leaving",
        }
        for fname, value in decisions.items():
            vals = {fname: value}
            if fname == "kam_key_override":
                vals["kam_key_override_reason"] = "Leaving"
            self.assertOnlyProfiles(
                {MANAGER},
                lambda user, vals=vals: self.account.with_user(user).write(vals),
                f"write {fname}",
            )
        self.assertEqual(self.account.kam_user_id, self.kam_user)
        self.assertTrue(self.account.kam_is_strategic)

    def test_sales_documents_show_the_kam_to_sales_only(self):
        order = self.env["sale.order"].create({"partner_id": self.contact.id, "user_id": False})
        self.assertTrue(order.kam_is_key_account)
        for fname in ("kam_user_id", "kam_is_key_account"):
            self.assertOnlyProfiles(
                SALES,
                lambda user, fname=fname: order.with_user(user).read([fname]),
                f"read sale.order {fname}",
            )
