"""Dataset loaders: every module here registers one or more loaders on import (a new format is one new file)."""
