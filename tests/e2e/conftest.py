"""Fixtures for the black-box tests: real hosts in fresh data roots.

`start_host(env)` starts `webjobs serve` ($WEBJOBS_BIN, default
build/webjobs) on a free loopback port in the test's tmp_path. At teardown
every host gets SIGTERM, and the test fails if any process that carries the
root's path or one of its hosts' job markers is still alive.
"""

import itertools
import os
import pathlib
import signal

import pytest

import webjobs_host

_host_numbers = itertools.count(1)
# Two letters from our pid keep instance ids apart from another test session.
_session_tag = "".join(chr(ord("a") + (os.getpid() // 26 ** i) % 26) for i in range(2))


@pytest.fixture(scope="session")
def webjobs_bin():
    binary = webjobs_host.default_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"webjobs binary {binary} not found; build it with scripts/build.sh "
                    "or set WEBJOBS_BIN")
    return binary


@pytest.fixture
def start_host(webjobs_bin, tmp_path):
    """Return a function that starts a host:
    start_host(env=None, root=None, tls=None, extra_args=()).

    `tls` and `extra_args` are passed to webjobs_host.Host.

    Hosts started on the same root share one instance id, as restarts of
    one machine do.
    """
    hosts = []
    instances = {}

    def start(env=None, root=None, tls=None, extra_args=()):
        root = pathlib.Path(root or tmp_path / "root")
        if root not in instances:
            instances[root] = f"{_session_tag}{next(_host_numbers):04d}"
        host = webjobs_host.Host(webjobs_bin, root, instances[root], env,
                                 log_path=tmp_path / f"host-{len(hosts) + 1}.log", tls=tls,
                                 extra_args=extra_args)
        hosts.append(host)
        return host.start()

    yield start

    errors = []
    for host in hosts:
        try:
            host.stop()
        except AssertionError as error:
            errors.append(str(error))
    for root, instance in instances.items():
        errors.extend(_check_nothing_left(root, instance))
    if errors:
        pytest.fail("\n".join(errors), pytrace=False)


def _check_nothing_left(root, instance):
    """Kill and report processes of a stopped host that are still alive."""
    def leftovers():
        return webjobs_host.find_processes(root=root, instance=instance)
    try:
        webjobs_host.wait_for(lambda: not leftovers(), 10, "job processes to exit")
        return []
    except AssertionError:
        pass
    found = leftovers()
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    listing = ", ".join(f"{pid} ({cmdline.strip()})" for pid, cmdline in found.items())
    return [f"expected no processes of host {instance} after it stopped, "
            f"found {len(found)}: {listing}"]


@pytest.fixture
def host(start_host):
    """A host with the default test settings (WEBJOBS_RESTART_TIME=2)."""
    return start_host()
