"""A pipeline step: a cached property that declares, where it is defined, what it depends on.

``SlateAnalysis.with_params`` keeps a computed step in the copy exactly when none of the settings it
depends on changed -- its own settings and, transitively, those of the steps it uses. No table of
dependencies is kept by hand elsewhere: a new step states its inputs in its decorator.
"""

from __future__ import annotations


class step:
    """Decorator: a lazily computed, cached step of an analysis.

    Parameters
    ----------
    *settings : str
        Constructor settings the step reads directly.
    uses : tuple of str or callable
        Other steps it reads (their settings count too); a callable ``analysis -> tuple`` when it
        depends on the analysis' settings (the portfolio uses the field only when chosen by simulation).

    Examples
    --------
    >>> class A:
    ...     def __init__(self, x):
    ...         self.x = x
    ...     @step("x")
    ...     def double(self):
    ...         return 2 * self.x
    ...     @step(uses=("double",))
    ...     def quad(self):
    ...         return 2 * self.double
    >>> a = A(3)
    >>> a.quad, sorted(step.settings_of(A, "quad", a))
    (12, ['x'])
    """

    def __init__(self, *settings: str, uses=()):
        self.settings = frozenset(settings)
        self.uses = uses
        self.fn = None
        self.name = None

    def __call__(self, fn):
        self.fn = fn
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn
        return self

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        d = obj.__dict__
        if self.name not in d:  # computed once; kept in the instance (like functools.cached_property)
            d[self.name] = self.fn(obj)
        return d[self.name]

    def used_steps(self, obj) -> tuple:
        return tuple(self.uses(obj) if callable(self.uses) else self.uses)

    @staticmethod
    def steps_of(cls) -> dict:
        """Every step of ``cls`` (and its bases): name -> step."""
        out = {}
        for klass in reversed(cls.__mro__):
            out.update({k: v for k, v in vars(klass).items() if isinstance(v, step)})
        return out

    @staticmethod
    def settings_of(cls, name: str, obj) -> frozenset:
        """All settings the step ``name`` depends on for the analysis ``obj`` (its own, and its inputs')."""
        steps = step.steps_of(cls)
        seen, todo, out = set(), [name], set()
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            s = steps[n]
            out |= s.settings
            todo.extend(s.used_steps(obj))
        return frozenset(out)
