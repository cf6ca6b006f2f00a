from . import base_partner_merge_automatic_wizard
from . import kam_handover_wizard
from . import kam_rebalance_wizard
from . import kam_rebalance_move
from . import kam_signal_dismiss_wizard
from . import kam_what_if_wizard
from . import kam_executive_review_wizard
