from . import kam_relationship_gap
from . import kam_executive_review_report
