from . import kam_relationship_gap
