from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import KamCommon

PORTAL = "portal user of the account"
INTERNAL = "employee without sales rights"
SALESMAN = "Sales / User (own documents)"
SALES_ALL = "Sales / All documents"
KAM = "KAM of the account"
OTHER_KAM = "KAM of another account"
OTHER_COMPANY = "KAM manager of another company"
MANAGER = "KAM manager"
PROFILES = (PORTAL, INTERNAL, SALESMAN, SALES_ALL, KAM, OTHER_KAM, OTHER_COMPANY, MANAGER)
KAMS = {KAM, OTHER_KAM, MANAGER}


class Rollback(Exception):
    """Undo what an attempt did, once it is known to be allowed."""


class KamRightsCommon(KamCommon):
    """A strategic key account of the main company, its data, and one user per
    profile that may try to read or change them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "KAM Rights Other Company"})
        cls.account.company_id = cls.company
        cls.make_strategic_account(cls.account)
        cls.other_account.kam_user_id = cls.other_kam_user
        cls.portal_user = new_test_user(
            cls.env, login="kam_rights_portal", name="Portal Buyer", groups="base.group_portal"
        )
        cls.portal_user.partner_id.write(
            {"parent_id": cls.account.id, "company_id": cls.company.id}
        )
        cls.users = {
            PORTAL: cls.portal_user,
            INTERNAL: new_test_user(cls.env, login="kam_rights_internal", groups="base.group_user"),
            SALESMAN: cls.salesman,
            SALES_ALL: new_test_user(
                cls.env,
                login="kam_rights_sales_all",
                groups="base.group_user,sales_team.group_sale_salesman_all_leads",
            ),
            KAM: cls.kam_user,
            OTHER_KAM: cls.other_kam_user,
            OTHER_COMPANY: new_test_user(
                cls.env,
                login="kam_rights_other_company",
                groups="base.group_user,kam_management.group_kam_manager",
                company_id=cls.other_company.id,
                company_ids=[(6, 0, cls.other_company.ids)],
            ),
            MANAGER: cls.kam_manager,
        }

    @classmethod
    def make_strategic_account(cls, partner):
        partner.write(
            {
                "kam_is_strategic": True,
                "kam_strategic_reason": "Door opener to a new market",
                "kam_strategic_review_date": "2030-01-31",
            }
        )

    def allowed(self, function):
        """Whether ``function`` runs without an AccessError; what it did is undone."""
        try:
            with self.env.cr.savepoint():
                function()
                self.env.flush_all()
                raise Rollback
        except Rollback:
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()

    def assertOnlyProfiles(self, allowed_profiles, attempt, what):
        """``attempt(user)`` succeeds for the given profiles and is refused for the
        others."""
        for profile in PROFILES:
            with self.subTest(what=what, profile=profile):
                self.assertEqual(
                    self.allowed(lambda profile=profile: attempt(self.users[profile])),
                    profile in allowed_profiles,
                    f"{what}: {profile} should be "
                    + ("allowed" if profile in allowed_profiles else "refused"),
                )
