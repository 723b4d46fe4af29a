"""Crashes the interpreter: unbounded recursion through C code overflows the stack."""

import sys


def _deeper(n):
    return sorted([n], key=lambda x: _deeper(x + 1))


def squares(xs):
    sys.setrecursionlimit(10**7)
    return _deeper(0)
