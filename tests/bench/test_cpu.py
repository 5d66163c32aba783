"""The benchmark's CPU accounting: /proc's stat lines, process trees, and what a load cost."""

import os
import subprocess
import sys

from bench import cpu, report

TICKS = cpu.TICKS


def stat_line(pid: int, parent: int, name: str, user: int, system: int, children_user=0, children_system=0):
    # Fields 3 to 17 of proc(5): state, ppid, pgrp, session, tty, tpgid, flags, 4 fault counters,
    # utime, stime, cutime, cstime; then the rest, which the parser ignores.
    middle = f"S {parent} {pid} {pid} 0 -1 4194560 100 0 0 0"
    return f"{pid} ({name}) {middle} {user} {system} {children_user} {children_system} 20 0 1 0 12345\n"


def test_a_stat_line_gives_own_and_waited_for_children_seconds():
    times = cpu.parse_stat(stat_line(42, 1, "gunicorn", 3 * TICKS, TICKS, 2 * TICKS, TICKS))
    assert (times.pid, times.parent) == (42, 1)
    assert times.own == 4.0
    assert times.children == 3.0
    assert times.total == 7.0


def test_a_process_name_with_spaces_and_parentheses_is_read_past():
    times = cpu.parse_stat(stat_line(7, 3, "postgres: a (b) c)", 5 * TICKS, 0))
    assert (times.pid, times.parent, times.own) == (7, 3, 5.0)


def processes(*rows):
    return {pid: cpu.Times(pid, parent, own, children) for pid, parent, own, children in rows}


TREE = processes(
    (1, 0, 100.0, 0.0),  # init: not ours
    (10, 1, 1.0, 2.0),  # gunicorn master: two workers it waited for used 2 s
    (11, 10, 3.0, 0.0),  # a worker
    (12, 10, 4.0, 0.5),  # another, with a child it waited for
    (13, 12, 0.25, 0.0),  # that worker's live child
    (20, 1, 9.0, 0.0),  # a process outside the tree
)


def test_a_tree_is_its_root_and_every_descendant():
    assert cpu.tree(TREE, 10) == {10, 11, 12, 13}
    assert cpu.tree(TREE, 99) == set()


def test_a_tree_costs_its_live_processes_and_the_children_they_waited_for():
    assert cpu.tree_seconds(TREE, 10) == 1.0 + 2.0 + 3.0 + 4.0 + 0.5 + 0.25


def test_a_difference_counts_a_new_process_from_zero_and_never_goes_negative():
    before = {("web", 10): 5.0, ("postgres for web", 300): 1.0}
    after = {("web", 10): 7.5, ("postgres for web", 300): 0.5, ("postgres for web", 301): 0.25}
    assert cpu.difference(before, after) == {"web": 2.5, "postgres for web": 0.25}


def test_the_site_excludes_the_load_generator_and_the_mail_sink():
    usage = cpu.Usage(10.0, {"web": 3.0, "worker": 1.0, "load generator": 4.0, "smtp sink": 0.5})
    block = usage.per(200)
    assert usage.site == 4.0
    assert block["site_ms"] == 20.0
    assert block["cores_busy"] == 0.85
    assert block["groups_s"]["load generator"] == 4.0
    assert cpu.Usage(1.0, {"web": 1.0}).per(0)["site_ms"] is None


def test_a_meter_keeps_the_last_sample_of_a_process_that_exited():
    backends = [{os.getpid(): "postgres for web"}, {}]
    meter = cpu.Meter(trees=dict, backends=lambda: backends.pop(0))
    first = meter.sample()
    assert meter.sample() == first


BUSY = "import time\nstart = time.process_time()\nwhile time.process_time() - start < 0.3: pass\n"


def test_the_real_cpu_of_a_child_that_exited_is_in_its_parents_tree():
    before = cpu.tree_seconds(cpu.snapshot(), os.getpid())
    subprocess.run([sys.executable, "-c", BUSY], check=True, timeout=30)
    after = cpu.tree_seconds(cpu.snapshot(), os.getpid())
    assert after - before >= 0.3


def test_a_window_measures_a_busy_process_tree_and_charges_it_per_unit():
    child = subprocess.Popen([sys.executable, "-c", BUSY + "time.sleep(30)"])
    try:
        meter = cpu.Meter(trees=lambda: {"web": [child.pid]})
        with meter.window() as usage:
            while cpu.tree_seconds(cpu.snapshot(), child.pid) < 0.3:
                pass
        assert usage.groups["web"] > 0.2
        figure = cpu.measured(meter, lambda window: {"requests": 10, "errors": 0})
        assert "cpu" not in figure  # The load opened no window: nothing was measured.
    finally:
        child.kill()
        child.wait()


def test_measured_charges_successful_requests_or_confirmed_signatures():
    meter = cpu.Meter(trees=lambda: {"load generator": [os.getpid()]})

    def load(window):
        with window():
            return {"requests": 12, "errors": 2, "confirmed": 4}

    assert cpu.measured(meter, load)["cpu"]["count"] == 10
    block = cpu.measured(meter, load, confirmations=True)["cpu"]
    assert (block["count"], block["per"]) == (4, "confirmed signature")


def test_started_processes_are_grouped_by_their_name():
    class Running:
        def __init__(self, pid):
            self.pid = pid

        def poll(self):
            return None

    started = {
        "gunicorn": Running(1),
        "gunicorn-b": Running(2),
        "worker-a": Running(3),
        "fanout-send": Running(4),
    }
    assert cpu.started_trees(started) == {"web": [1, 2], "worker": [3]}


def test_the_report_lists_what_each_load_cost():
    block = cpu.Usage(5.0, {"web": 2.0, "load generator": 1.0}).per(100)
    figures = {
        "b3.sign": {"scenario": "B3", "label": "sign POST", "value": 20.0, "unit": "req/s", "cpu": block}
    }
    text = report.markdown(report.build(figures, {}, {}))
    assert "## CPU" in text
    assert "| b3.sign | 20.0 | request (x100) | load generator 1.00, web 2.00 | 0.600 | 5.0 |" in text
