from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _kam_is_kam(self):
        """Whether this user may work on key accounts (manage one, own a plan):
        an internal user of the KAM group."""
        self.ensure_one()
        return not self.share and self._has_group("kam_management.group_kam_user")
