"""Sleep-wake workload (research/perf.md section 1) on SimPy, for bench/engine.bench.ts.

N devices alternate asleep ~Exp(mean 1) and awake ~Exp(mean 0.1); at every transition the
battery is integrated (battery -= I_state * dt) and the next transition is scheduled. Each device
is a SimPy process that holds for its next interval, so SimPy's own event list holds N pending
events, as keytwin's calendar and the C heap do.

Written for what Debian ships: python3-simpy 2.3.1 (module `SimPy`, run with /usr/bin/python3);
SimPy 3/4 (`simpy`, env.timeout) is used instead when that is what is importable.

RNG: `--rng sfc32` (default) draws sfc32 + -mean*log(1-u) from the four state words given, like
keytwin and the C baseline, so the event count and checksum must match theirs exactly (SimPy
breaks time ties FIFO too). `--rng python` uses random.expovariate (C-implemented Mersenne
Twister) to show SimPy's cost without a pure-Python generator; counts then match only
statistically.

usage: simpy_sleepwake.py N T a b c d [--rng sfc32|python]   -> one JSON line
"""
import json
import math
import random
import sys
import time

M32 = 0xFFFFFFFF


class Sfc32:
    __slots__ = ("a", "b", "c", "d")

    def __init__(self, a, b, c, d):
        self.a, self.b, self.c, self.d = a, b, c, d

    def expo(self, mean):
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (a + b + d) & M32
        self.d = (d + 1) & M32
        self.a = b ^ (b >> 9)
        self.b = (c + (c << 3)) & M32
        self.c = ((((c << 21) | (c >> 11)) & M32) + t) & M32
        return -mean * math.log(1.0 - t * (1.0 / 4294967296.0))


class PyRng:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def expo(self, mean):
        return self.r.expovariate(1.0 / mean)


CURRENT = (0.001, 1.0)
MEAN = (1.0, 0.1)


def main():
    args = sys.argv[1:]
    kind = "sfc32"
    if "--rng" in args:
        i = args.index("--rng")
        kind = args[i + 1]
        del args[i : i + 2]
    n, tend = int(args[0]), float(args[1])
    words = [int(x) for x in args[2:6]]
    rng = Sfc32(*words) if kind == "sfc32" else PyRng(words[0])
    battery = [1000.0] * n
    counter = [0]

    try:
        from SimPy.Simulation import Simulation, Process, hold  # SimPy 2.x

        version = "SimPy " + __import__("SimPy").__version__

        class Device(Process):
            def __init__(self, sim, idx):
                Process.__init__(self, sim=sim)
                self.idx = idx

            def run(self):
                # Activated at its first transition time, so every wake-up is a transition.
                sim = self.sim
                idx = self.idx
                last = 0.0
                awake = 0
                while True:
                    now = sim._t
                    counter[0] += 1
                    battery[idx] -= CURRENT[awake] * (now - last)
                    last = now
                    awake ^= 1
                    yield hold, self, rng.expo(MEAN[awake])

        t0 = time.perf_counter()
        sim = Simulation()
        sim.initialize()
        for i in range(n):
            d = Device(sim, i)
            # hold(first) from t=0 == activation at 0 then hold: the first transition is at `first`.
            sim.activate(d, d.run(), at=rng.expo(1.0))
        t1 = time.perf_counter()
        c1 = time.process_time()
        sim.simulate(until=tend)
        t2 = time.perf_counter()
        c2 = time.process_time()
    except ImportError:  # SimPy 3/4
        import simpy

        version = "simpy " + simpy.__version__

        def device(env, idx, first):
            yield env.timeout(first)
            last = 0.0
            awake = 0
            while True:
                now = env.now
                counter[0] += 1
                battery[idx] -= CURRENT[awake] * (now - last)
                last = now
                awake ^= 1
                yield env.timeout(rng.expo(MEAN[awake]))

        t0 = time.perf_counter()
        env = simpy.Environment()
        for i in range(n):
            env.process(device(env, i, rng.expo(1.0)))
        env.run(until=0.0 + 1e-300)
        t1 = time.perf_counter()
        c1 = time.process_time()
        env.run(until=math.nextafter(tend, math.inf))  # SimPy 4 `until` is exclusive
        t2 = time.perf_counter()
        c2 = time.process_time()

    print(json.dumps({
        "engine": "simpy", "version": version, "python": sys.version.split()[0], "rng": kind,
        "devices": n, "events": counter[0], "checksum": sum(battery),
        "setupS": t1 - t0, "runS": t2 - t1, "cpuS": c2 - c1,
    }))


if __name__ == "__main__":
    main()
