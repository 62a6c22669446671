from zoo.models.drn.drn import DRN
from zoo.registry import register

register("regressor", "drn", "DRDA cascaded deep regression network: global stage + shape-indexed refinement stages", DRN)

__all__ = ["DRN"]
