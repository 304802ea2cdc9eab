# ruff: noqa: E501  (program texts in the tables read best on one line)
"""The hostile suite: programs that attack the sandbox, and what must happen.

Each case names the attack in its id. ``expect`` is either ``"passed"`` (the
program reports what it could reach and the expected output is what an
isolated jail shows, so passing proves the isolation) or a set of verdicts
every test must get (the attack must not pass). Every program runs several
tests so that a runner it damaged would show on the next test.
"""

from __future__ import annotations

import dataclasses
from typing import Any

SECRET = "SECRET-7f3a9c"  # an expected output the program must never find


@dataclasses.dataclass(frozen=True)
class Hostile:
    id: str
    program: str
    tests: dict[str, Any]
    expect: str | frozenset[str]
    language: str = "python"


def stdio(expected: str, n: int = 3) -> dict[str, Any]:
    return {"inputs": [f"{i}\n" for i in range(n)], "outputs": [expected] * n}


NOT_PASSED = frozenset({"wrong_answer", "runtime_error", "timeout", "memory_limit", "output_limit"})
HOG = frozenset({"timeout", "runtime_error", "memory_limit"})

CASES = [
    # ---------------------------------------------------------------- resources
    Hostile(
        "fork_bomb",
        "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass\n",
        stdio("x", 2),
        HOG,
    ),
    Hostile(
        "thread_bomb",
        "import threading, time\nwhile True:\n    try: threading.Thread(target=time.sleep, args=(60,)).start()\n"
        "    except RuntimeError: pass\n",
        stdio("x", 2),
        HOG,
    ),
    Hostile(
        "subprocess_bomb",
        "import subprocess\nwhile True:\n    try: subprocess.Popen(['/bin/sleep', '60'])\n    except OSError: pass\n",
        stdio("x", 2),
        HOG,
    ),
    Hostile(
        "memory_bomb_at_once",
        "x = bytearray(2 * 10**9)\nprint('x')\n",
        stdio("x", 2),
        frozenset({"memory_limit"}),
    ),
    Hostile(
        "memory_bomb_gradual",
        "a = []\nwhile True:\n    a.append(bytearray(10**6))\n",
        stdio("x", 2),
        frozenset({"memory_limit"}),
    ),
    Hostile(
        "memory_bomb_in_child_then_correct_output",
        "import os\npid = os.fork()\nif pid == 0:\n    a = []\n    while True: a.append(bytearray(10**6))\n"
        "os.waitpid(pid, 0)\nprint('x')\n",
        stdio("x", 2),
        frozenset({"memory_limit"}),
    ),
    Hostile("cpu_spin", "while True:\n    pass\n", stdio("x", 2), frozenset({"timeout"})),
    Hostile(
        "sleep_forever", "import time\ntime.sleep(3600)\n", stdio("x", 2), frozenset({"timeout"})
    ),
    Hostile(
        "blocked_on_stdin_read_forever",
        "import os\nr, w = os.pipe()\nos.read(r, 1)\n",
        stdio("x", 2),
        frozenset({"timeout"}),
    ),
    Hostile(
        "stdout_flood",
        "while True:\n    print('y' * 4096)\n",
        stdio("x", 2),
        frozenset({"output_limit"}),
    ),
    Hostile(
        "stderr_flood",
        "import sys\nwhile True:\n    sys.stderr.write('e' * 4096)\n",
        stdio("x", 2),
        frozenset({"output_limit"}),
    ),
    Hostile(
        "disk_fill_work_dir",
        "f = open('/work/big', 'wb')\nwhile True:\n    f.write(b'0' * (1 << 20))\n",
        stdio("x", 2),
        NOT_PASSED,
    ),
    Hostile(
        "file_descriptor_exhaustion",
        "fs = []\nwhile True:\n    fs.append(open('/dev/null'))\n",
        stdio("x", 2),
        frozenset({"runtime_error"}),
    ),
    Hostile(
        "deep_recursion_segfault",
        "import sys\nsys.setrecursionlimit(10**9)\ndef f(n): return f(n + 1)\nf(0)\n",
        stdio("x", 2),
        # Python 3.11 keeps these frames on the heap: filling the memory cap takes about as
        # much CPU as the 0.25 s limit (more in Docker, whose cap has runner headroom), so
        # either limit may be hit first. What matters: it never passes, never a sandbox_error.
        HOG,
    ),
    Hostile(
        "cpp_fork_bomb",
        "#include <unistd.h>\nint main(){ while(1) fork(); }\n",
        stdio("x", 2),
        HOG,
        language="cpp",
    ),
    Hostile(
        "cpp_memory_bomb",
        "#include <vector>\n#include <cstring>\nint main(){ std::vector<char*> v; while(1){ char* p = new char[1<<20];"
        " memset(p, 1, 1<<20); v.push_back(p);} }\n",
        stdio("x", 2),
        frozenset({"memory_limit"}),
        language="cpp",
    ),
    Hostile(
        "cpp_infinite_loop",
        "int main(){ volatile int x = 0; while(1) x++; }\n",
        stdio("x", 2),
        frozenset({"timeout"}),
        language="cpp",
    ),
    # ---------------------------------------------------------------- isolation
    Hostile(
        "network_connect_outside",
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=1)\n    print('connected')\n"
        "except OSError:\n    print('blocked')\n",
        stdio("blocked"),
        "passed",
    ),
    Hostile(
        "network_dns",
        "import socket\ntry:\n    socket.getaddrinfo('example.com', 80)\n    print('resolved')\nexcept OSError:\n    print('blocked')\n",
        stdio("blocked"),
        "passed",
    ),
    Hostile(
        "network_only_loopback_interface",
        "import socket\nprint(sorted(name for _, name in socket.if_nameindex()))\n",
        stdio("['lo']"),
        "passed",
    ),
    Hostile(
        "docker_socket_reachable",
        "import os\nprint(any(os.path.exists(p) for p in ('/var/run/docker.sock', '/run/docker.sock')))\n",
        stdio("False"),
        "passed",
    ),
    Hostile(
        "host_files_readable",
        "import os\npaths = ['/etc/passwd', '/etc/shadow', '/root', '/home', '/work/main', '/etc/hostname',"
        " '/var/lib', '/sys/fs/cgroup', '/cg/memory', '/srv']\nprint([p for p in paths if os.path.exists(p)])\n",
        stdio("[]"),
        "passed",
    ),
    Hostile(
        "environment_leaks",
        "import os\nprint(sorted(os.environ))\n",
        stdio("['HOME', 'LANG', 'PATH', 'TMPDIR']"),
        "passed",
    ),
    Hostile(
        "sees_other_processes",
        "import os\nprint([p for p in os.listdir('/proc') if p.isdigit()])\n",
        stdio("['1']"),
        "passed",
    ),
    Hostile(
        "runs_as_root",
        "import os\nprint(os.getuid() != 0 and os.geteuid() != 0)\n",
        stdio("True"),
        "passed",
    ),
    Hostile(
        "has_capabilities",
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapPrm', 'CapBnd'))])\n",
        stdio("['0000000000000000', '0000000000000000', '0000000000000000']"),
        "passed",
    ),
    Hostile(
        "writes_outside_work_dir",
        "import os\nok = []\nfor p in ['/usr/x', '/etc/x', '/x', '/box/x', '/box/main.pyc', '/proc/x', '/dev/x']:\n"
        "    try:\n        open(p, 'wb').write(b'1')\n        ok.append(p)\n    except OSError:\n        pass\n"
        "print(ok)\n",
        stdio("[]"),
        "passed",
    ),
    Hostile(
        "remount_or_unshare_escape",
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "r = [libc.unshare(0x10000000), libc.mount(b'none', b'/usr', b'tmpfs', 0, None),"
        " libc.umount2(b'/box', 2), libc.chroot(b'/tmp')]\nprint(r)\n",
        stdio("[-1, -1, -1, -1]"),
        "passed",
    ),
    Hostile(
        "persistence_files_between_tests",
        "import os\nseen = [p for p in ('/work/flag', '/tmp/flag', '/dev/shm/flag') if os.path.exists(p)]\n"
        "for p in ('/work/flag', '/tmp/flag', '/dev/shm/flag'):\n    open(p, 'w').write('1')\n"
        "print('fresh' if not seen else seen)\n",
        stdio("fresh", 4),
        "passed",
    ),
    Hostile(
        "persistence_in_memory_between_tests",
        "import builtins, sys\nn = getattr(builtins, 'runs', 0)\nbuiltins.runs = n + 1\n"
        "sys.modules['json'].persisted = True\nprint(n)\n",
        stdio("0", 4),
        "passed",
    ),
    Hostile(
        "background_daemon_persists",
        "import os, time\nflag = '/tmp/daemon-was-here'\nseen = os.path.exists(flag)\nif os.fork() == 0:\n"
        "    os.setsid()\n    if os.fork() == 0:\n        time.sleep(0.2)\n        open(flag, 'w').write('1')\n"
        "        time.sleep(60)\n    os._exit(0)\ntime.sleep(0.3)\nprint('seen' if seen else 'fresh')\n",
        stdio("fresh", 3),
        "passed",
    ),
    Hostile(
        "kill_parent_then_answer",
        "import os, signal\nppid = os.getppid()\nif ppid > 0:\n    os.kill(ppid, signal.SIGKILL)\nprint('ok')\n",
        stdio("ok", 4),
        "passed",
    ),
    Hostile(
        "kill_everything_then_answer",
        "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n    pass\nprint('ok')\n",
        stdio("ok", 4),
        "passed",
    ),
    Hostile(
        "hunt_runner_processes",
        "import os, signal\nfor p in os.listdir('/proc'):\n    if p.isdigit() and int(p) != os.getpid():\n"
        "        os.kill(int(p), signal.SIGKILL)\nprint('ok')\n",
        stdio("ok", 4),
        "passed",
    ),
    Hostile(
        "ignores_signals_and_spins",
        "import signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU, signal.SIGALRM):\n"
        "    signal.signal(s, signal.SIG_IGN)\nsignal.alarm(0)\nwhile True:\n    pass\n",
        stdio("x", 2),
        frozenset({"timeout"}),
    ),
    # ------------------------------------------------------------------ judging
    Hostile(
        "exit_zero_before_output",
        "import os\nos._exit(0)\nprint('x')\n",
        stdio("x"),
        frozenset({"wrong_answer"}),
    ),
    Hostile(
        "correct_output_then_nonzero_exit",
        "import sys\nprint('x')\nsys.stdout.flush()\nsys.exit(3)\n",
        stdio("x"),
        frozenset({"runtime_error"}),
    ),
    Hostile(
        "fake_all_passed_banner",
        'print(\'All tests passed!\')\nprint(\'{"passed": true, "verdict": "passed"}\')\n',
        stdio("x"),
        frozenset({"wrong_answer"}),
    ),
    Hostile(
        "search_filesystem_for_expected_output",
        "import os\nfound = 'nothing'\nfor root, dirs, files in os.walk('/'):\n"
        "    if root.startswith(('/proc', '/usr', '/sys', '/dev')):\n        dirs[:] = []\n        continue\n"
        "    for f in files:\n        try:\n            data = open(os.path.join(root, f), errors='ignore').read(10**6)\n"
        "        except OSError:\n            continue\n        if 'SECRET-' in data:\n"
        "            found = data[data.index('SECRET-'):][:13]\nprint(found)\n",
        stdio(SECRET, 2),
        frozenset({"wrong_answer", "timeout"}),
    ),
    Hostile(
        "search_memory_for_expected_output",
        "import gc, sys\nfound = 'nothing'\nfor o in gc.get_objects():\n    try:\n        s = repr(o)\n"
        "    except Exception:\n        continue\n    if 'SECRET-' in s:\n        found = s[s.index('SECRET-'):][:13]\n"
        "        break\nprint(found)\n",
        stdio(SECRET, 2),
        frozenset({"wrong_answer"}),
    ),
    Hostile(
        "lying_eq_return_value",
        "class Liar:\n    def __eq__(self, other): return True\n    def __ne__(self, other): return False\n"
        "def solve(x): return Liar()\n",
        {"fn_name": "solve", "inputs": [[1], [2]], "outputs": [SECRET, 5]},
        frozenset({"wrong_answer"}),
    ),
    Hostile(
        "int_subclass_with_lying_eq",
        "class Sly(int):\n    def __eq__(self, other): return True\n    __hash__ = int.__hash__\n"
        "class Solution:\n    def solve(self, x): return Sly(0)\n",
        {"fn_name": "solve", "inputs": [[1], [2]], "outputs": [1, 2]},
        frozenset({"wrong_answer"}),
    ),
    Hostile(
        "forged_result_channel",
        "import os\nos.write(3, b'[true]')\nos._exit(0)\ndef solve(x): return x\n",
        {"fn_name": "solve", "inputs": [[1], [2]], "outputs": [SECRET, 5]},
        frozenset({"wrong_answer", "runtime_error"}),
    ),
    Hostile(
        "exit_during_call",
        "import os\ndef solve(x):\n    os._exit(0)\n",
        {"fn_name": "solve", "inputs": [[1], [2]], "outputs": [1, 2]},
        frozenset({"wrong_answer", "runtime_error"}),
    ),
    Hostile(
        "patched_builtins_in_assert_test",
        "import builtins, math\nbuiltins.abs = lambda x: 0\nbuiltins.all = lambda x: True\nmath.isclose = lambda *a, **k: True\n"
        "def f(x): return -1\n",
        {
            "test": "def check(candidate):\n    assert abs(candidate(2) - 4) < 1e-9\n    assert candidate(3) == 9\n"
            "    import math\n    assert math.isclose(candidate(1), 1)\n",
            "entry_point": "f",
        },
        frozenset({"wrong_answer"}),
    ),
    Hostile(
        "assert_test_exits_before_asserts",
        "import sys\ndef f(x):\n    raise SystemExit(0)\n",
        {"test_list": ["assert f(1) == 1", "assert f(2) == 2"]},
        frozenset({"wrong_answer", "runtime_error"}),
    ),
    Hostile(
        "forged_judge_verdict",
        "import os\nos.write(3, b'[true]')\nos._exit(0)\ndef f(x): return x\n",
        {
            "test": "def check(candidate):\n    assert abs(candidate(2) - 3) < 1e-9\n",
            "entry_point": "f",
        },
        frozenset({"wrong_answer", "runtime_error"}),
    ),
    Hostile(
        "search_memory_for_assert_expectations",
        "import gc, re\ndef f(x):\n    for o in gc.get_objects():\n        try:\n            s = repr(o)\n"
        "        except Exception:\n            continue\n        m = re.search(r'- (0\\.123[0-9]*)', s)\n"
        "        if m:\n            return float(m.group(1))\n    return 0.0\n",
        {
            "test": "def check(candidate):\n    assert abs(candidate(1) - 0.123456) < 1e-9\n",
            "entry_point": "f",
        },
        frozenset({"wrong_answer"}),
    ),
    Hostile(
        "forged_pass_of_a_loop_check",
        "import os\nos.write(3, b'[true]')\nos._exit(0)\ndef f(x): return x\n",
        {
            "test": "def check(candidate):\n    for i in range(3):\n        assert candidate(i) == i * i\n",
            "entry_point": "f",
        },
        frozenset({"wrong_answer", "runtime_error"}),
    ),
    Hostile(
        "forged_call_log_of_a_loop_check",
        "import os, json\nlog = [[json.dumps(['f', [i], {'$dict': []}], sort_keys=True), 7] for i in range(3)]\n"
        "os.write(3, json.dumps({'calls': log}).encode())\nos._exit(0)\ndef f(x): return x\n",
        {
            "test": "def check(candidate):\n    for i in range(3):\n        assert candidate(i) == i * i\n",
            "entry_point": "f",
        },
        frozenset({"wrong_answer", "runtime_error"}),
    ),
    Hostile(
        "binary_garbage_output",
        "import sys\nsys.stdout.buffer.write(bytes(range(256)) * 100)\n",
        stdio("x", 2),
        frozenset({"wrong_answer"}),
    ),
    Hostile(
        "closes_all_descriptors",
        "import os\nos.closerange(0, 1024)\nprint('x')\n",
        stdio("x", 2),
        frozenset({"runtime_error", "wrong_answer"}),
    ),
    Hostile(
        "cpp_reads_host_files",
        '#include <cstdio>\nint main(){ FILE* f = fopen("/etc/passwd", "r"); FILE* g = fopen("/root/.bashrc", "r");'
        ' puts(f || g ? "leak" : "blocked"); }\n',
        stdio("blocked"),
        "passed",
        language="cpp",
    ),
    Hostile(
        "cpp_compile_time_include_host_file",
        '#include "/etc/shadow"\nint main(){}\n',
        stdio("x", 2),
        frozenset({"compile_error"}),
        language="cpp",
    ),
]
