#!/bin/sh
# Regenerates the fake proc trees under testdata/procfs/ that
# //guest:procfs_test reads. The generated files are committed too (they
# hold NULs and newlines, which are easier to get right from a script than
# by hand); rerun this after editing it and commit both.
#
#   testdata/procfs/make_fixtures.sh
#
# basic/etc/passwd and basic/proc/ hold, with the test's constants
# (CLK_TCK 100, 4096-byte pages):
#
#   pid 1    init: session leader, no tty, args "/sbin/init splash"
#   pid 2    kthreadd: empty cmdline, no Vm* lines
#   pid 100  vim on pts/3: foreground, 4 threads, locked memory, nice -5,
#            every status field, fd/, cgroup, oom_score_adj (ProcessInfo)
#   pid 101  comm with a space ("Web Content"), on ttyS0
#   pid 102  comm ") R 1 2 3 (": parens and fake fields inside comm
#   pid 103  comm "a) (b)" on tty1, nice 10
#   pid 104  comm with a newline
#   pid 105  kernel worker: state I, ppid 2, empty cmdline, no Vm* lines
#   pid 106  one 3000-byte argument (more than kMaxArgsBytes)
#   pid 107  600 arguments (more than kMaxArgs)
#   pid 108  zombie: state Z, empty cmdline, status without Vm* lines
#   pid 109  uid 4242, not in passwd; on the hvc0 console
#   pid 110  malformed stat (ppid "1x")
#   pid 111  stat but no status (exited between the two reads)
#   pid 112  empty stat (exited while stat was read)
#   pid 113  cmdline rewritten without a final NUL (setproctitle)
#   pid 114  malformed status (Uid with three fields)
#   007, self, sys  non-pid entries ListPids must skip
#
# summary/proc/ is top's view (SystemSummary and SHR): /proc/{stat,loadavg,
# meminfo,uptime} of a 4-CPU guest with swap, and one process per state
# letter for the "Tasks:" counts:
#
#   pid 1 S, 2 R (statm: 50 shared pages = SHR 200 kB), 3 D, 4 I, 5 T, 6 t,
#   7 Z, 8 X, 9 R, 10 S with a malformed statm, 11 with a malformed stat
#   (not counted)
#
# no_system_files/proc/ holds one valid process (pid 5) and none of
# /proc/{stat,uptime,meminfo}: a broken proc_root, which must not make
# processes look like they vanished.
set -eu
cd "$(dirname "$0")"

root=basic
rm -rf "$root" no_system_files summary
mkdir -p "$root/etc" "$root/proc"
proc=$root/proc

cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
# a comment line
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash
alice-again:x:1000:1000:same uid, later line loses:/home/a:/bin/sh
+nisuser::::::
not a passwd line
mallory:x:12x:0::/:/bin/sh
bob:x:1001:1001::/home/bob:/bin/sh
EOF

printf 'cpu  10132153 290696 3084719 46828483 16683 0 25195 0 0 0\n' > "$proc/stat"
printf 'cpu0 1393280 32966 572056 13343292 6130 0 17875 0 0 0\n' >> "$proc/stat"
printf 'intr 199292 0 0 0\nctxt 123456789\nbtime 1700000000\n' >> "$proc/stat"
printf 'processes 70000\nprocs_running 2\nprocs_blocked 0\n' >> "$proc/stat"
printf '12345.67 45678.90\n' > "$proc/uptime"
cat > "$proc/meminfo" <<'EOF'
MemTotal:       16318412 kB
MemFree:         1234567 kB
MemAvailable:    8765432 kB
EOF
printf '6.1.0-fake (fixture)\n' > "$proc/version"
mkdir -p "$proc/self" "$proc/sys/kernel" "$proc/007"
printf '1\n' > "$proc/self/stat"
printf '4194304\n' > "$proc/sys/kernel/pid_max"
printf 'not a pid: leading zero\n' > "$proc/007/stat"

# stat_file PID COMM STATE PPID PGRP SESSION TTY_NR TPGID MINFLT MAJFLT UTIME
#           STIME PRIORITY NICE THREADS STARTTIME VSIZE RSS
# writes all 52 fields of /proc/PID/stat (COMM may hold anything but NUL).
stat_file() {
  printf '%s (%s) %s %s %s %s %s %s 4194560 %s 0 %s 0 %s %s 0 0 %s %s %s 0 %s %s %s' \
    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}" "${12}" \
    "${13}" "${14}" "${15}" "${16}" "${17}" "${18}" > "$proc/$1/stat"
  printf ' 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0' \
    >> "$proc/$1/stat"
  printf ' 0 0 0 0 0 0 0 0\n' >> "$proc/$1/stat"
}

# status_file PID NAME STATE UID GID [EXTRA LINES...]
status_file() {
  pid=$1 name=$2 state=$3 uid=$4 gid=$5
  shift 5
  {
    printf 'Name:\t%s\n' "$name"
    printf 'Umask:\t0022\n'
    printf 'State:\t%s\n' "$state"
    printf 'Tgid:\t%s\nPid:\t%s\n' "$pid" "$pid"
    printf 'Uid:\t%s\t%s\t%s\t%s\n' "$uid" "$uid" "$uid" "$uid"
    printf 'Gid:\t%s\t%s\t%s\t%s\n' "$gid" "$gid" "$gid" "$gid"
    for line in "$@"; do printf '%s\n' "$line"; done
    printf 'SigPnd:\t0000000000000000\n'
    printf 'Cpus_allowed_list:\t0-3\n'
  } > "$proc/$pid/status"
}

memory_lines='VmSize:	    2000 kB
VmRSS:	    1000 kB'

newproc() { mkdir -p "$proc/$1"; }

# pid 1: init.
newproc 1
stat_file 1 systemd S 0 1 1 0 -1 50000 100 700 300 20 0 1 2 170000000 3000
status_file 1 systemd 'S (sleeping)' 0 0 "$memory_lines" 'Threads:	1'
printf '/sbin/init\0splash\0' > "$proc/1/cmdline"

# pid 2: kthreadd.
newproc 2
stat_file 2 kthreadd S 0 0 0 0 -1 0 0 0 5 20 0 1 2 0 0
status_file 2 kthreadd 'S (sleeping)' 0 0 'Threads:	1'
: > "$proc/2/cmdline"

# pid 100: vim, everything set.
newproc 100
# tty_nr of pts/3: major 136, minor 3.
stat_file 100 vim S 99 100 99 $((136 * 256 + 3)) 100 1234 5 250 50 15 -5 4 \
  12345 123456789 2500
cat > "$proc/100/status" <<'EOF'
Name:	vim
Umask:	0027
State:	S (sleeping)
Tgid:	100
Ngid:	0
Pid:	100
PPid:	99
TracerPid:	0
Uid:	1000	1001	1002	1003
Gid:	1000	1004	1005	1006
FDSize:	64
Groups:	4 24 27 1000 
NStgid:	100
NSpid:	100
NSpgid:	100
NSsid:	99
Kthread:	0
VmPeak:	  120600 kB
VmSize:	  120563 kB
VmLck:	       8 kB
VmPin:	       4 kB
VmHWM:	   10100 kB
VmRSS:	   10000 kB
RssAnon:	    4000 kB
RssFile:	    5900 kB
RssShmem:	     100 kB
VmData:	    3000 kB
VmStk:	     132 kB
VmExe:	    2000 kB
VmLib:	    8000 kB
VmPTE:	      88 kB
VmSwap:	      16 kB
HugetlbPages:	       0 kB
CoreDumping:	0
THP_enabled:	1
untag_mask:	0xffffffffffffffff
Threads:	4
SigQ:	0/63461
SigPnd:	0000000000000001
ShdPnd:	0000000000000002
SigBlk:	0000000000010000
SigIgn:	0000000000003000
SigCgt:	00000001ef804eff
CapInh:	0000000000000000
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	000001ffffffffff
CapAmb:	0000000000000000
NoNewPrivs:	0
Seccomp:	0
Seccomp_filters:	0
Speculation_Store_Bypass:	thread vulnerable
SpeculationIndirectBranch:	conditional enabled
Cpus_allowed:	f
Cpus_allowed_list:	0-3
Mems_allowed:	00000000,00000001
Mems_allowed_list:	0
voluntary_ctxt_switches:	1500
nonvoluntary_ctxt_switches:	42
x86_Thread_features:	
x86_Thread_features_locked:	
EOF
printf 'vim\0notes.txt\0' > "$proc/100/cmdline"
mkdir -p "$proc/100/fd"
for fd in 0 1 2 255; do : > "$proc/100/fd/$fd"; done
printf '0::/user.slice/user-1000.slice/session-2.scope\n' > "$proc/100/cgroup"
printf '200\n' > "$proc/100/oom_score_adj"

# pid 101: comm with a space, on ttyS0 (major 4, minor 64).
newproc 101
stat_file 101 'Web Content' S 100 100 99 $((4 * 256 + 64)) 100 10 0 30 20 20 0 \
  1 20000 4096000 100
status_file 101 'Web Content' 'S (sleeping)' 1000 1000 "$memory_lines" \
  'Threads:	1'
printf '/usr/lib/firefox/firefox\0-contentproc\0' > "$proc/101/cmdline"

# pid 102: comm ") R 1 2 3 (": a parser that stops at the first ')' or
# splits on spaces reads the wrong fields.
newproc 102
stat_file 102 ') R 1 2 3 (' R 1 102 102 0 -1 0 0 0 0 20 0 1 30000 0 0
status_file 102 ') R 1 2 3 (' 'R (running)' 0 0 'Threads:	1'
printf 'paren\0' > "$proc/102/cmdline"

# pid 103: comm "a) (b)" on tty1 (major 4, minor 1), nice 10.
newproc 103
stat_file 103 'a) (b)' S 1 103 103 $((4 * 256 + 1)) 103 0 0 0 0 30 10 1 \
  30001 8192 1
status_file 103 'a) (b)' 'S (sleeping)' 0 0 "$memory_lines" 'Threads:	1'
printf 'ab\0' > "$proc/103/cmdline"

# pid 104: comm with a newline (status escapes it; stat does not).
newproc 104
stat_file 104 "$(printf 'line1\nline2')" S 1 104 104 0 -1 0 0 0 0 20 0 1 \
  30002 8192 1
status_file 104 'line1\nline2' 'S (sleeping)' 0 0 "$memory_lines" 'Threads:	1'
printf 'two-lines\0' > "$proc/104/cmdline"

# pid 105: a kernel worker thread.
newproc 105
stat_file 105 kworker/0:1H I 2 0 0 0 -1 0 0 0 12 0 -20 1 40 0 0
status_file 105 kworker/0:1H 'I (idle)' 0 0 'Threads:	1'
: > "$proc/105/cmdline"

# pid 106: a 3000-byte argument.
newproc 106
stat_file 106 python3 S 1 106 106 0 -1 0 0 0 0 20 0 1 50000 8192 1
status_file 106 python3 'S (sleeping)' 1001 1001 "$memory_lines" 'Threads:	1'
{
  printf 'python3\0-c\0'
  i=0
  while [ $i -lt 3000 ]; do printf 'x'; i=$((i + 1)); done
  printf '\0'
} > "$proc/106/cmdline"

# pid 107: 600 arguments.
newproc 107
stat_file 107 xargs S 1 107 107 0 -1 0 0 0 0 20 0 1 50001 8192 1
status_file 107 xargs 'S (sleeping)' 1001 1001 "$memory_lines" 'Threads:	1'
{
  printf 'xargs\0'
  i=0
  while [ $i -lt 600 ]; do printf 'a\0'; i=$((i + 1)); done
} > "$proc/107/cmdline"

# pid 108: a zombie.
newproc 108
stat_file 108 defunct-child Z 100 100 99 0 -1 0 0 3 1 20 0 1 60000 0 0
status_file 108 defunct-child 'Z (zombie)' 1000 1000 'Threads:	1'
: > "$proc/108/cmdline"

# pid 109: uid 4242 (no passwd entry), on hvc0 (major 229, minor 0).
newproc 109
stat_file 109 getty S 1 109 109 $((229 * 256)) 109 0 0 0 0 20 0 1 70000 8192 1
status_file 109 getty 'S (sleeping)' 4242 4242 "$memory_lines" 'Threads:	1'
printf '/sbin/agetty\0hvc0\0' > "$proc/109/cmdline"

# pid 110: malformed stat.
newproc 110
stat_file 110 broken S 1x 110 110 0 -1 0 0 0 0 20 0 1 70001 8192 1
status_file 110 broken 'S (sleeping)' 0 0 'Threads:	1'
printf 'broken\0' > "$proc/110/cmdline"

# pid 111: exited after stat was read: status is gone.
newproc 111
stat_file 111 gone S 1 111 111 0 -1 0 0 0 0 20 0 1 70002 8192 1
printf 'gone\0' > "$proc/111/cmdline"

# pid 112: empty stat.
newproc 112
: > "$proc/112/stat"
status_file 112 empty 'S (sleeping)' 0 0 'Threads:	1'
: > "$proc/112/cmdline"

# pid 113: argv rewritten in place, no final NUL.
newproc 113
stat_file 113 postgres S 1 113 113 0 -1 0 0 0 0 20 0 1 70003 8192 1
status_file 113 postgres 'S (sleeping)' 1001 1001 "$memory_lines" \
  'Threads:	1'
printf 'postgres: checkpointer   ' > "$proc/113/cmdline"

# pid 114: malformed status.
newproc 114
stat_file 114 badstatus S 1 114 114 0 -1 0 0 0 0 20 0 1 70004 8192 1
cat > "$proc/114/status" <<'EOF'
Name:	badstatus
Uid:	0	0	0
Gid:	0	0	0	0
EOF
printf 'badstatus\0' > "$proc/114/cmdline"

# The tree without system files.
proc=no_system_files/proc
newproc 5
stat_file 5 sleep S 1 5 5 0 -1 0 0 0 0 20 0 1 100 8192 1
status_file 5 sleep 'S (sleeping)' 0 0 "$memory_lines" 'Threads:	1'
printf 'sleep\0%s\0' 60 > "$proc/5/cmdline"

# The summary tree (top's header).
proc=summary/proc
mkdir -p "$proc"
{
  printf 'cpu  1000 20 300 8000 40 5 6 7 0 0\n'
  for i in 0 1 2 3; do printf 'cpu%s 250 5 75 2000 10 1 1 1 0 0\n' "$i"; done
  printf 'intr 1 0\nctxt 5\nbtime 1700000000\nprocesses 99\n'
  printf 'procs_running 2\nprocs_blocked 1\n'
} > "$proc/stat"
printf '0.52 1.58 12.59 3/120 4242\n' > "$proc/loadavg"
printf '12345.67 45678.90\n' > "$proc/uptime"
cat > "$proc/meminfo" <<'EOF'
MemTotal:       16318412 kB
MemFree:         1234567 kB
MemAvailable:    8765432 kB
Buffers:           43210 kB
Cached:          6543210 kB
SwapCached:          100 kB
SReclaimable:     500000 kB
SwapTotal:       2097148 kB
SwapFree:        2000000 kB
EOF
pid=1
for state in S R D I T t Z X R S; do
  newproc $pid
  stat_file $pid "task$pid" $state 1 $pid $pid 0 -1 0 0 0 0 20 0 1 100 8192 1
  status_file $pid "task$pid" "$state" 0 0 "$memory_lines" 'Threads:	1'
  printf 'task%s\0' $pid > "$proc/$pid/cmdline"
  pid=$((pid + 1))
done
printf '1000 200 50 10 0 100 0\n' > "$proc/2/statm"
# pid 2's mappings, as Linux 6.1 prints them (the procfs fuzzer's seed).
cat > "$proc/2/smaps" <<'EOF'
55741beeb000-55741beef000 r--p 00000000 fe:00 247476                     /usr/bin/grep
Size:                 16 kB
KernelPageSize:        4 kB
MMUPageSize:           4 kB
Rss:                  16 kB
Pss:                   8 kB
Pss_Dirty:             0 kB
Shared_Clean:         16 kB
Shared_Dirty:          0 kB
Private_Clean:         0 kB
Private_Dirty:         0 kB
Referenced:           16 kB
Anonymous:             0 kB
KSM:                   0 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
ShmemPmdMapped:        0 kB
FilePmdMapped:         0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:       0 kB
Swap:                  0 kB
SwapPss:               0 kB
Locked:                0 kB
THPeligible:           0
VmFlags: rd mr mw me 
55741bf1e000-55741bf2e000 rw-p 00000000 00:00 0 
Size:                 64 kB
Rss:                  40 kB
Pss:                  40 kB
Anonymous:            40 kB
Swap:                  8 kB
Locked:                0 kB
VmFlags: rd wr mr mw me ac 
55742e884000-55742e8c6000 rw-p 00000000 00:00 0                          [heap]
Size:                264 kB
Rss:                  12 kB
VmFlags: rd wr mr mw me ac 
EOF
printf '1000 200\n' > "$proc/10/statm"
newproc 11
printf '11 (task11 no state\n' > "$proc/11/stat"
