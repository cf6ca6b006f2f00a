from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
from . import sale_report
from . import kam_concentration_run
from . import kam_concentration_line
from . import kam_demo_data
