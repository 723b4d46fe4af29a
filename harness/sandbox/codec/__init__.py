"""The value codec between harness and the processes it runs: tagged JSON-able data.

The sandbox worker loads this package by its path (the candidate must not reach harness), so it
uses the standard library and relative imports only; numpy is imported when a value is an array.
Two ways back from the wire:
- `decode` (harness's side) builds plain values and harness's own stand-ins (`Instance`, `Member`,
  `Named`, `Keywords`) without importing or calling anything the data names, so what a candidate
  returns never runs on the trusted side: no pickle, no `__reduce__`, no `__setstate__`.
- `rebuild` (a worker's side) turns the stand-ins into live objects by importing their classes
  from the code that process runs (the candidate's, or the frozen original).
"""

from .calls import entry, split
from .decoding import decode, rebuild
from .encoding import encode
from .values import Bound, Instance, Keywords, Member, Named, PlainDataError, dotted, type_name

__all__ = [
    "Bound",
    "Instance",
    "Keywords",
    "Member",
    "Named",
    "PlainDataError",
    "decode",
    "dotted",
    "encode",
    "entry",
    "rebuild",
    "split",
    "type_name",
]
