"""skdbn: Restricted Boltzmann Machines and Deep Belief Networks for scikit-learn."""

from skdbn._dbn import DBN
from skdbn._rbm import RBM

__version__ = "0.1.0"

__all__ = ["DBN", "RBM", "__version__"]
