"""Continuous-time physics of the shapes world, stepped at a fixed internal rate.

Each step is exact for constant acceleration (position += v dt + a dt^2 / 2), and floor contacts
are solved for their exact time inside the step, so a dropped ball follows h0 - g t^2 / 2 to
float precision whatever the step. Rendering asks for states at any time: the simulation runs
whole steps up to it, then advances a copy by the remainder, so any fps sees the same motion.

A pendulum's bob (an object with a pivot) is stepped on its angle with fourth-order
Runge-Kutta: the string keeps its length exactly and the swing loses no height to numerics.

Violations that change motion (teleport, speed jump, gravity reversal, bounce gain, passing
through the floor or another object, size change, spawning) act here at their start step;
those that only change the look (color drift, shape morph, vanish) act in `state_at`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from vidgen.world.scene import GRAVITY, Scene, Violation, WorldObject, canonical_shape
from vidgen.world.vocab import COLORS

STEP_HZ = 240  # a multiple of 8, 16, 24, 30, 48 and 60 fps: those frames fall on step boundaries
DT = 1.0 / STEP_HZ
SAMPLE_HZ = 48  # how often layout checks and captions look at a scene: 240 / 5, on steps
REST_SPEED = 0.12  # after a bounce slower than this (view heights/s) the object settles
_EPS = 1e-9


class Body:
    """Mutable physical state of one object."""

    __slots__ = ("x", "y", "vx", "vy", "r", "r0", "gravity", "gravity_sign", "restitution",
                 "friction", "resting", "floor", "alive", "pivot", "length", "theta",
                 "omega")  # fmt: skip

    def __init__(self, obj: WorldObject, floor_y: float, alive: bool = True):
        self.x, self.y, self.vx, self.vy = obj.x, obj.y, obj.vx, obj.vy
        self.r = self.r0 = obj.size
        self.gravity = obj.gravity
        self.gravity_sign = 1.0
        self.restitution = obj.restitution
        self.friction = obj.friction
        self.floor = True
        self.alive = alive
        self.resting = obj.gravity and abs(obj.vy) < _EPS and obj.y + obj.size >= floor_y - 1e-6
        if self.resting:
            self.y = floor_y - self.r
        self.pivot = obj.pivot
        self.length = self.theta = self.omega = 0.0
        if obj.pivot is not None:
            px, py = obj.pivot
            self.length = math.hypot(obj.x - px, obj.y - py)
            self.theta = math.atan2(obj.x - px, obj.y - py)  # from straight down, + to the right
            # only the velocity across the string counts: the string takes the rest
            across = obj.vx * math.cos(self.theta) - obj.vy * math.sin(self.theta)
            self.omega = across / self.length

    def copy(self) -> Body:
        new = Body.__new__(Body)
        for name in Body.__slots__:
            setattr(new, name, getattr(self, name))
        return new


@dataclass(frozen=True)
class ObjectState:
    """One object at one instant, as the renderer and the labels see it (world units)."""

    id: int
    x: float
    y: float
    r: float
    rgb: tuple[float, float, float]
    shape: str
    morph_to: str  # the shape it is morphing into (== shape when not morphing)
    morph: float  # 0..1 progress of the morph
    exists: bool  # drawn at all: False before an appear, during a vanish
    pivot: tuple[float, float] | None = None  # a pendulum bob's pivot now (teleports move it)


@dataclass(frozen=True)
class Event:
    t: float
    kind: str  # "bounce" or "collision"
    a: int
    b: int = -1


def _contact_time(h: float, vy: float, ay: float, limit: float) -> float | None:
    """Smallest tau in (0, limit] where vy tau + ay tau^2 / 2 = h while moving down.

    h <= 0 while moving down means the body is already at (or, after growing, below) the
    floor line: contact now (tau = 0), so it bounces instead of falling through forever."""
    if h <= 0.0 and vy > 0.0:
        return 0.0
    if abs(ay) < 1e-12:
        if vy > 1e-12 and -1e-12 <= h / vy <= limit:
            return max(h / vy, 0.0)
        return None
    disc = vy * vy + 2.0 * ay * h
    if disc < 0:
        return None
    s = math.sqrt(disc)
    for tau in sorted(((-vy - s) / ay, (-vy + s) / ay)):
        if 1e-12 < tau <= limit + 1e-12 and vy + ay * tau > 0:
            return tau
    return None


def _fly(b: Body, dt: float, floor_y: float, bounces: list[float] | None) -> None:
    """Advance an airborne gravity body by dt, bouncing on the floor at the exact contact time."""
    ay = GRAVITY * b.gravity_sign
    rem = dt
    for _ in range(32):
        tau = None
        if b.floor:
            tau = _contact_time(floor_y - b.r - b.y, b.vy, ay, rem)
        if tau is None:
            b.x += b.vx * rem
            b.y += b.vy * rem + 0.5 * ay * rem * rem
            b.vy += ay * rem
            return
        b.x += b.vx * tau
        b.y = floor_y - b.r
        b.vy = -b.restitution * (b.vy + ay * tau)
        rem -= tau
        if bounces is not None:
            bounces.append(dt - rem)
        if abs(b.vy) < REST_SPEED and b.gravity_sign > 0:
            b.vy = 0.0
            b.resting = True
            _slide(b, rem)
            return


def _slide(b: Body, dt: float) -> None:
    """Advance a body resting on the floor: constant friction deceleration until it stops."""
    if b.vx == 0.0:
        return
    dec = b.friction * GRAVITY
    if dec <= 0.0:
        b.x += b.vx * dt
        return
    t_stop = abs(b.vx) / dec
    if t_stop <= dt:
        b.x += 0.5 * b.vx * t_stop
        b.vx = 0.0
    else:
        sign = 1.0 if b.vx > 0 else -1.0
        b.x += b.vx * dt - 0.5 * sign * dec * dt * dt
        b.vx -= sign * dec * dt


def _place(b: Body) -> None:
    """A bob's position and velocity from its angle and angular speed."""
    px, py = b.pivot
    sin, cos = math.sin(b.theta), math.cos(b.theta)
    b.x, b.y = px + b.length * sin, py + b.length * cos
    b.vx, b.vy = b.length * b.omega * cos, -b.length * b.omega * sin


def _swing(b: Body, dt: float) -> None:
    """One RK4 step of theta'' = -(g / L) sin(theta)."""
    k = GRAVITY / b.length
    th, om = b.theta, b.omega
    k1t, k1o = om, -k * math.sin(th)
    k2t, k2o = om + 0.5 * dt * k1o, -k * math.sin(th + 0.5 * dt * k1t)
    k3t, k3o = om + 0.5 * dt * k2o, -k * math.sin(th + 0.5 * dt * k2t)
    k4t, k4o = om + dt * k3o, -k * math.sin(th + dt * k3t)
    b.theta = th + dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
    b.omega = om + dt / 6.0 * (k1o + 2.0 * k2o + 2.0 * k3o + k4o)
    _place(b)


def _collide(a: Body, b: Body) -> bool:
    """Elastic collision of two discs (mass ~ area); returns True if they bounced."""
    dx, dy = b.x - a.x, b.y - a.y
    dist = math.hypot(dx, dy)
    reach = a.r + b.r
    if dist >= reach or dist < 1e-12:
        return False
    nx, ny = dx / dist, dy / dist
    approach = (a.vx - b.vx) * nx + (a.vy - b.vy) * ny
    ma, mb = a.r * a.r, b.r * b.r
    if approach > 0:
        j = 2.0 * approach / (1.0 / ma + 1.0 / mb)
        a.vx -= j / ma * nx
        a.vy -= j / ma * ny
        b.vx += j / mb * nx
        b.vy += j / mb * ny
    overlap = reach - dist
    a.x -= overlap * mb / (ma + mb) * nx
    a.y -= overlap * mb / (ma + mb) * ny
    b.x += overlap * ma / (ma + mb) * nx
    b.y += overlap * ma / (ma + mb) * ny
    for body in (a, b):
        if body.resting and body.vy < -REST_SPEED:
            body.resting = False
        elif body.resting:
            body.vy = 0.0
    return approach > 0


class Simulation:
    """Steps one scene (with its violations) forward and answers `state_at(t)` for rising t."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self.floor_y = scene.floor_y
        self.bodies = [Body(o, scene.floor_y) for o in scene.objects]
        self.shapes = [canonical_shape(o.shape) for o in scene.objects]
        self.colors = [o.color for o in scene.objects]
        self.no_collide: set[frozenset[int]] = set()
        self.events: list[Event] = []
        self.k = 0
        self._schedule: list[tuple[int, Violation]] = []
        for v in scene.violations:
            if v.kind == "appear":
                spawn: WorldObject = v.params["spawn"]
                self._add_body(spawn, alive=False)
            elif v.kind == "split":
                src = scene.objects[v.object]
                self._add_body(src, alive=False)
            self._schedule.append((round(v.t_start * STEP_HZ), v))
        self._schedule.sort(key=lambda item: item[0])
        self._next = 0
        self._resizes = [v for v in scene.violations if v.kind == "size_change"]
        # A vanished object is not there: it must not push anything while it is not drawn.
        self._vanishes = [v for v in scene.violations if v.kind == "vanish"]

    def _add_body(self, obj: WorldObject, alive: bool) -> None:
        self.bodies.append(Body(obj, self.floor_y, alive=alive))
        self.shapes.append(canonical_shape(obj.shape))
        self.colors.append(obj.color)

    # -- violations that act on motion, applied once at their start step --------------------

    def _apply_due(self) -> None:
        if self._next >= len(self._schedule):
            return
        while self._next < len(self._schedule) and self._schedule[self._next][0] <= self.k:
            _, v = self._schedule[self._next]
            self._next += 1
            b = self.bodies[v.object]
            p = v.params
            if v.kind == "teleport" and b.pivot is not None:  # the whole pendulum jumps
                b.pivot = (b.pivot[0] + p.get("dx", 0.0), b.pivot[1] + p.get("dy", 0.0))
                _place(b)
            elif v.kind == "teleport":
                b.x += p.get("dx", 0.0)
                b.y += p.get("dy", 0.0)
            elif v.kind == "speed_jump" and b.pivot is not None:
                b.omega *= p["factor"]
                _place(b)
            elif v.kind == "speed_jump":
                b.vx *= p["factor"]
                b.vy *= p["factor"]
            elif v.kind == "gravity_reversal":
                b.gravity_sign = -1.0
                b.resting = False
            elif v.kind == "bounce_gain":
                b.restitution = p["restitution"]
            elif v.kind == "through_floor":
                b.floor = False
                b.resting = False
            elif v.kind == "through_object":
                self.no_collide.add(frozenset((v.object, p["other"])))
            elif v.kind == "appear":
                self.bodies[p["new_object"]].alive = True
            elif v.kind == "split":
                clone = b.copy()
                clone.pivot = None  # a part split off a bob flies free, at the bob's velocity
                clone.vx += p["dvx"]
                clone.vy += p["dvy"]
                clone.friction = 0.0
                self.bodies[p["new_object"]] = clone
                self.no_collide.add(frozenset((v.object, p["new_object"])))

    # -- stepping ------------------------------------------------------------------------------

    def _step(self, bodies: list[Body], dt: float, t_end: float, record: bool) -> None:
        bounces: list[float] | None = [] if record else None
        for i, b in enumerate(bodies):
            if not b.alive:
                continue
            if b.pivot is not None:
                _swing(b, dt)
            elif b.gravity:
                if b.resting and (not b.floor or b.gravity_sign < 0):
                    b.resting = False
                if b.resting:
                    b.y = self.floor_y - b.r
                    _slide(b, dt)
                else:
                    n_before = len(bounces) if bounces is not None else 0
                    _fly(b, dt, self.floor_y, bounces)
                    if bounces is not None:
                        for tb in bounces[n_before:]:
                            self.events.append(Event(t_end - dt + tb, "bounce", i))
            else:
                b.x += b.vx * dt
                b.y += b.vy * dt
        n = len(bodies)
        no_collide = self.no_collide
        ghosts = {v.object for v in self._vanishes if _vanished(v, t_end)} if self._vanishes else ()
        # A bob's string fixes where it is: it does not collide (layouts keep others clear).
        for i in range(n - 1):
            if not bodies[i].alive or i in ghosts or bodies[i].pivot is not None:
                continue
            for j in range(i + 1, n):
                if (
                    not bodies[j].alive
                    or j in ghosts
                    or bodies[j].pivot is not None
                    or (no_collide and frozenset((i, j)) in no_collide)
                ):
                    continue
                if _collide(bodies[i], bodies[j]) and record:
                    self.events.append(Event(t_end, "collision", i, j))
        for v in self._resizes:
            b = bodies[v.object]
            b.r = b.r0 * _ramp(v, t_end, 1.0, v.params["factor"])
            # Growing pushes a body up off the floor, never down through it.
            if b.resting or (b.gravity and b.floor and b.y + b.r > self.floor_y):
                b.y = self.floor_y - b.r

    def advance_to(self, t: float) -> None:
        """Run whole steps up to time t (never backward)."""
        self._apply_due()
        while (self.k + 1) * DT <= t + 1e-9:
            self._step(self.bodies, DT, (self.k + 1) * DT, record=True)
            self.k += 1
            self._apply_due()

    def state_at(self, t: float) -> list[ObjectState]:
        """Every object's state at time t (t must not go backward between calls)."""
        self.advance_to(t)
        bodies = self.bodies
        rest = t - self.k * DT
        if rest > 1e-9:
            bodies = [b.copy() for b in bodies]
            self._step(bodies, rest, t, record=False)
        return [self._look(i, b, t) for i, b in enumerate(bodies)]

    def _look(self, i: int, b: Body, t: float) -> ObjectState:
        rgb = tuple(float(c) for c in COLORS[self.colors[i]])
        shape = morph_to = self.shapes[i]
        morph = 0.0
        exists = b.alive
        for v in self.scene.violations:
            if v.object != i or t < v.t_start - 1e-9:
                continue
            if v.kind in ("color_drift", "color_switch"):  # a switch has no t_end: a step
                target = COLORS[v.params["to"]]
                w = _ramp(v, t, 0.0, 1.0)
                rgb = tuple((1 - w) * a + w * c for a, c in zip(rgb, target, strict=True))
            elif v.kind == "shape_morph":
                morph_to = canonical_shape(v.params["to"])
                morph = _ramp(v, t, 0.0, 1.0)
            elif v.kind == "vanish" and _vanished(v, t):
                exists = False
        return ObjectState(i, b.x, b.y, b.r, rgb, shape, morph_to, morph, exists, b.pivot)  # type: ignore[arg-type]


def _vanished(v: Violation, t: float) -> bool:
    """Is a vanish violation in force at time t (not drawn, not colliding)?"""
    return v.t_start - 1e-9 <= t and (v.t_end is None or t < v.t_end - 1e-9)


def _ramp(v: Violation, t: float, start: float, end: float) -> float:
    """Linear from `start` at v.t_start to `end` at v.t_end (a step if t_end is None)."""
    if t < v.t_start - 1e-9:
        return start
    if v.t_end is None or v.t_end <= v.t_start or t >= v.t_end:
        return end
    w = (t - v.t_start) / (v.t_end - v.t_start)
    return start + (end - start) * w
