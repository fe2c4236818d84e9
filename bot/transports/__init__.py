"""Transport adapters. Platform libraries are imported only inside these subpackages."""
