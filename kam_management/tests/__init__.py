from . import test_key_account
from . import test_access_rights
from . import test_sale_order
from . import test_demo_data
from . import test_ui
from . import test_translation
from . import test_concentration_engine
from . import test_query_counts
