"""A banded dynamic program: only the cells near the diagonal (within max(16, len // 8) of it,
widened by the difference in lengths) are computed, and the corner of the band is returned.
Exact whenever an optimal alignment stays inside the band, as it does for strings that differ
by scattered edits; wrong for a string against itself shifted further than the band, where the
cheap alignment (drop the front, add the tail) runs far off the diagonal."""


def levenshtein(a, b):
    if len(a) > len(b):
        a, b = b, a
    n, m = len(a), len(b)
    band = max(16, m // 8)
    outside = n + m + 1
    previous = [j if j <= m - n + band else outside for j in range(m + 1)]
    for i in range(1, n + 1):
        low, high = max(1, i - band), min(m, i + m - n + band)
        current = [outside] * (m + 1)
        if i <= band:
            current[0] = i
        for j in range(low, high + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        previous = current
    return previous[m]
