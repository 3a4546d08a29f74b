"""A machine without Pango, as WeasyPrint meets it: importing `weasyprint` raises the OSError
its loader raises (cffi's dlopen of libpango-1.0-0), before any of its code can be used. Only
the import of the third-party renderer fails; the product's own code runs as it is."""

import importlib.abc
import sys

NO_PANGO = (
    "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file: "
    "No such file or directory"
)


class _NoPango(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError(NO_PANGO)
        return None


def without_pango(monkeypatch) -> None:
    """Until `monkeypatch.undo()`, WeasyPrint cannot be imported (a fresh import is forced)."""
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])
