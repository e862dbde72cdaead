"""Quickselect shared by the compiled kernels (the contest's percentiles, the optimizer's slice thresholds)."""

from numba import njit


@njit(cache=True)
def quickselect(a, lo, hi, k):
    """Reorder ``a[lo:hi]`` in place so that ``a[k]`` is its (k - lo)-th smallest, smaller ones before it.

    Quickselect with a median-of-three pivot and a three-way partition (ROI samples repeat a lot:
    every non-cashing entry has ROI -1).
    """
    hi -= 1
    while hi > lo:
        mid = (lo + hi) >> 1
        x, y, z = a[lo], a[mid], a[hi]
        pivot = max(min(x, y), min(max(x, y), z))
        lt, i, gt = lo, lo, hi
        while i <= gt:  # a[lo:lt] < pivot, a[lt:i] == pivot, a[gt+1:hi+1] > pivot
            v = a[i]
            if v < pivot:
                a[i] = a[lt]
                a[lt] = v
                lt += 1
                i += 1
            elif v > pivot:
                a[i] = a[gt]
                a[gt] = v
                gt -= 1
            else:
                i += 1
        if k < lt:
            hi = lt - 1
        elif k > gt:
            lo = gt + 1
        else:
            return
