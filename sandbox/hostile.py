# ruff: noqa: E501  (program texts in the tables read best on one line)
"""The hostile suite: programs that attack the sandbox, and what must happen.

Each case names the attack in its id. ``expect`` is either ``"passed"`` (the
program reports what it could reach and the expected output is what an
isolated jail shows, so passing proves the isolation) or a set of verdicts
every test must get (the attack must not pass). Every program runs several
tests so that a runner it damaged would show on the next test.

``LEAK_PROBES`` are pairs run one after the other in the same warm jail: a
*planter* (a correct submission that leaves its own token in its source,
stdin, stdout, files, keyrings, shared memory, sockets and environment) and
a *hunter* per channel that looks for any token other than its own. The
hunter also finds its own token where the channel is open (a control that
proves the hunt can succeed), so "clean" means the channel is closed between
programs, not that the hunter is blind.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

SECRET = "SECRET-7f3a9c"  # an expected output the program must never find


@dataclasses.dataclass(frozen=True)
class Hostile:
    id: str
    program: str
    tests: dict[str, Any]
    expect: Literal["passed"] | frozenset[str]
    language: str = "python"
    klass: str = ""  # resources, isolation, syscalls, judging (set by the section)


def stdio(expected: str, n: int = 3) -> dict[str, Any]:
    return {"inputs": [f"{i}\n" for i in range(n)], "outputs": [expected] * n}


NOT_PASSED = frozenset({"wrong_answer", "runtime_error", "timeout", "memory_limit", "output_limit"})
HOG = frozenset({"timeout", "runtime_error", "memory_limit"})

RESOURCES = [
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
]
ISOLATION = [
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
]
JUDGING = [
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

# ------------------------------------------------------------------ syscalls
# Raw syscall numbers (x86_64, aarch64): the programs call them through libc's
# syscall() with harmless arguments, so only the seccomp filter (or a missing
# capability) can make them fail with EPERM/ENOSYS; without a filter several
# of them succeed (``unshare(0)``, ``ptrace(PTRACE_TRACEME)``, ``userfaultfd``).
SYSCALLS: dict[str, tuple[int, int]] = {
    "add_key": (248, 217),
    "keyctl": (250, 219),
    "request_key": (249, 218),
    "io_uring_setup": (425, 425),
    "io_uring_enter": (426, 426),
    "io_uring_register": (427, 427),
    "userfaultfd": (323, 282),
    "perf_event_open": (298, 241),
    "ptrace": (101, 117),
    "bpf": (321, 280),
    "process_vm_readv": (310, 270),
    "kcmp": (312, 272),
    "mount": (165, 40),
    "umount2": (166, 39),
    "pivot_root": (155, 41),
    "chroot": (161, 51),
    "unshare": (272, 97),
    "setns": (308, 268),
    "fsopen": (430, 430),
    "open_tree": (428, 428),
    "name_to_handle_at": (303, 264),
    "open_by_handle_at": (304, 265),
    "init_module": (175, 105),
    "kexec_load": (246, 104),
    "clone3": (435, 435),
}


def _syscall_program(name: str) -> str:
    numbers = SYSCALLS[name]
    return (
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        f"nr = {numbers[0]} if os.uname().machine == 'x86_64' else {numbers[1]}\n"
        "r = libc.syscall(nr, 0, 0, 0, 0, 0, 0)\n"
        "e = ctypes.get_errno()\n"
        "print('blocked' if r == -1 and e in (1, 38) else f'reached r={r} errno={e}')\n"
    )


CLONE_NEWUSER_PROGRAM = (
    "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
    "nr = 56 if os.uname().machine == 'x86_64' else 220\n"
    "r = libc.syscall(nr, 0x10000000 | 17, 0, 0, 0, 0)\n"  # CLONE_NEWUSER | SIGCHLD
    "if r == 0:\n    os._exit(0)\n"
    "e = ctypes.get_errno()\n"
    "print('blocked' if r == -1 and e in (1, 38) else f'reached r={r} errno={e}')\n"
)

SYSCALL_CASES = [
    *(
        Hostile(f"seccomp_{name}", _syscall_program(name), stdio("blocked", 2), "passed")
        for name in SYSCALLS
    ),
    Hostile("seccomp_clone_newuser", CLONE_NEWUSER_PROGRAM, stdio("blocked", 2), "passed"),
]

# ---------------------------------------------------------- oom and /proc views
OOM_CASES = [
    Hostile(
        # Lower its own OOM score, then fill memory with many small processes: the OOM
        # kill must land on the test (memory_limit), never on the runner (sandbox_error).
        "oom_lowered_score_many_small_processes",
        "import os, subprocess\nfor v in ('-1000', '0'):\n    try:\n        open('/proc/self/oom_score_adj', 'w').write(v)\n"
        "    except OSError:\n        pass\nkids = []\nfor i in range(24):\n    try:\n"
        "        kids.append(subprocess.Popen(['/usr/bin/python3', '-S', '-c', \"open('/proc/self/oom_score_adj', 'w').write('0'); a = bytearray(6 << 20); import time; time.sleep(30)\"]))\n"
        "    except OSError:\n        break\na = []\nwhile True:\n    a.append(bytearray(1 << 20))\n",
        stdio("x", 2),
        HOG,
    ),
    Hostile(
        "mountinfo_names_the_worker",
        "import re\ntext = open('/proc/self/mountinfo').read() + open('/proc/self/cgroup').read()\n"
        "print(sorted(set(re.findall(r'rlvr-sandbox|/j[0-9]+-[0-9]+|docker/[0-9a-f]{12}', text))))\n",
        stdio("[]", 2),
        "passed",
    ),
    Hostile(
        # Known gap on the docker backend: the container's root is an overlay whose
        # mount options name /var/lib/docker/overlay2 layers, and every bind of it
        # (the jail's /usr) shows them; docker's --init binds /usr/bin/tini-static.
        "mountinfo_host_storage_paths",
        "import re\ntext = open('/proc/self/mountinfo').read()\n"
        "print(sorted(set(re.findall(r'/var/lib/[a-z0-9]+|/home/[^ ]*|tini-static', text))))\n",
        stdio("[]", 2),
        "passed",
    ),
]
KNOWN_GAPS = {("docker", "mountinfo_host_storage_paths")}  # (backend, case id): see the case

# ------------------------------------------------------------ leaks between programs
LEAK_TOKEN = r"RLVRLEAK[0-9a-f]{16}"  # what planters leave and hunters look for

PLANTER = """\
import ctypes, os, socket, sys
TOKEN = %(token)r
line = sys.stdin.readline().strip()
secret = (TOKEN + "-SRC " + line).encode()
libc = ctypes.CDLL(None, use_errno=True)
x86 = os.uname().machine == "x86_64"
for path in ("/tmp/leak", "/work/leak", "/dev/shm/leak"):
    try:
        open(path, "wb").write(secret)
    except OSError:
        pass
for ring in (-3, -4, -5):  # session, user, user-session keyrings
    libc.syscall(248 if x86 else 217, b"user", secret, secret, len(secret), ring)
libc.shmget.restype = ctypes.c_int
libc.shmat.restype = ctypes.c_void_p
shmid = libc.shmget(0x5EC12E7, 4096, 0o1666)
if shmid >= 0:
    address = libc.shmat(shmid, None, 0)
    if address not in (None, ctypes.c_void_p(-1).value):
        ctypes.memmove(address, secret, len(secret))
held = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
held.bind(b"\\0" + secret[:90])
held.listen()
os.environ["LEAK"] = secret.decode()
print(line.replace("-IN", "-OUT"))
"""

HUNTER_HEAD = """\
import ctypes, os, re, sys
own = sys.stdin.readline().strip()
PATTERN = re.compile(rb"%(pattern)s")
found = set()
def look(data):
    found.update(PATTERN.findall(data))
def report(control=True):
    others = sorted(token.decode() for token in found if token.decode() != own)
    if others:
        print("LEAK", others)
    elif control and own.encode() not in found:
        print("blind: the control was not found")
    else:
        print("clean")
"""

HUNTERS: dict[str, str] = {
    "memory": """\
regions = []
for line in open("/proc/self/maps"):
    parts = line.split()
    if "r" in parts[1] and not line.rstrip().endswith(("[vvar]", "[vsyscall]", "[vvar_vclock]")):
        start, end = (int(x, 16) for x in parts[0].split("-"))
        regions.append((start, end))
with open("/proc/self/mem", "rb", buffering=0) as mem:
    for start, end in regions:
        try:
            mem.seek(start)
            look(mem.read(end - start))
        except (OSError, OverflowError, ValueError):
            continue
report()
""",
    "files": """\
open("/tmp/own", "w").write(own)
for top in ("/", "/dev/shm"):
    for root, dirs, files in os.walk(top):
        if root.startswith(("/proc", "/sys", "/usr", "/dev")) and not root.startswith("/dev/shm"):
            dirs[:] = []
            continue
        for name in files:
            try:
                with open(os.path.join(root, name), "rb") as handle:
                    look(handle.read(1 << 20))
            except OSError:
                continue
report()
""",
    "keyring": """\
x86 = os.uname().machine == "x86_64"
added = ctypes.CDLL(None, use_errno=True).syscall(
    248 if x86 else 217, b"user", own.encode(), own.encode(), len(own), -3
)
try:
    look(open("/proc/keys", "rb").read())
except OSError:
    pass
libc = ctypes.CDLL(None, use_errno=True)
buffer = ctypes.create_string_buffer(4096)
for ring in (-3, -4, -5):  # KEYCTL_READ (11) of each keyring, then of every key it holds
    size = libc.syscall(250 if x86 else 219, 11, ring, buffer, 4096)
    if size > 0:
        ids = [int.from_bytes(buffer.raw[i:i + 4], "little") for i in range(0, min(size, 4096), 4)]
        for key in ids:
            got = ctypes.create_string_buffer(4096)
            n = libc.syscall(250 if x86 else 219, 11, key, got, 4096)
            if n > 0:
                look(got.raw[:n])
report(control=added > 0)
""",
    "shm": """\
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
def attach(key, create):
    shmid = libc.shmget(key, 4096, 0o1666 if create else 0)
    if shmid < 0:
        return None
    address = libc.shmat(shmid, None, 0)
    return None if address in (None, ctypes.c_void_p(-1).value) else address
mine = attach(0x0C0FFEE, True)
if mine is not None:
    ctypes.memmove(mine, own.encode(), len(own))
for key in (0x5EC12E7, 0x0C0FFEE):
    address = attach(key, False)
    if address is not None:
        look(ctypes.string_at(address, 4096))
for path in ("/proc/sysvipc/shm",):
    try:
        for line in open(path).read().splitlines()[1:]:
            address = libc.shmat(int(line.split()[1]), None, 0)
            if address not in (None, ctypes.c_void_p(-1).value):
                look(ctypes.string_at(address, 4096))
    except (OSError, ValueError, IndexError):
        pass
for name in os.listdir("/dev/shm"):
    try:
        look(open("/dev/shm/" + name, "rb").read(1 << 20))
    except OSError:
        pass
report(control=mine is not None)
""",
    "sockets": """\
import socket
mine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
mine.bind(b"\\0" + own.encode())
mine.listen()
for path in ("/proc/net/unix", "/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp"):
    try:
        look(open(path, "rb").read())
    except OSError:
        pass
report()
""",
    "environment": """\
os.environ["MINE"] = own
look(repr(dict(os.environ)).encode())
for path in ("/proc/self/environ", "/proc/1/environ"):
    try:
        look(open(path, "rb").read())
    except OSError:
        pass
report()
""",
}


@dataclasses.dataclass(frozen=True)
class LeakProbe:
    """A planter then a hunter in the same jail: the hunter must print ``clean``."""

    id: str
    channel: str

    @staticmethod
    def token() -> str:
        import secrets

        return "RLVRLEAK" + secrets.token_hex(8)

    @staticmethod
    def planter(token: str) -> tuple[str, dict[str, Any]]:
        """The planter's program and tests (its stdin carries the token too)."""
        program = PLANTER % {"token": token}
        return program, {"inputs": [f"{token}-IN\n"], "outputs": [f"{token}-OUT"]}

    def hunter(self, token: str) -> tuple[str, dict[str, Any]]:
        program = HUNTER_HEAD % {"pattern": LEAK_TOKEN} + HUNTERS[self.channel]
        return program, {"inputs": [f"{token}\n"], "outputs": ["clean"]}


LEAK_PROBES = [LeakProbe(f"leak_{channel}", channel) for channel in HUNTERS]


def _tagged(klass: str, cases: list[Hostile]) -> list[Hostile]:
    return [dataclasses.replace(case, klass=klass) for case in cases]


CASES = [
    *_tagged("resources", RESOURCES),
    *_tagged("isolation", ISOLATION),
    *_tagged("oom and /proc", OOM_CASES),
    *_tagged("syscalls", SYSCALL_CASES),
    *_tagged("judging", JUDGING),
]
