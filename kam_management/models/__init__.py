from . import res_partner
from . import sale_order
from . import sale_report
from . import kam_demo_data
